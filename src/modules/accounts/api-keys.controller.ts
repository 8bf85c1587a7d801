import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { ApiKeyDto, ApiKeyPageDto, CreatedApiKeyDto, CreateOwnApiKeyDto, PageQueryDto } from './accounts.contracts';
import { AccountsService } from './accounts.service';

/**
 * A customer's own keys, managed with one of them: the same keys the operator manages under /v1/admin/keys,
 * seen from a key that may only narrow itself (see AccountsService.createOwnApiKey).
 */
@ApiTags('API keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiRoute({
    summary: "Your API keys of this key's mode (prefix only), newest first; not for channel-scoped keys",
    status: 200,
    response: ApiKeyPageDto,
    errors: ['auth', 'validation', 'channel_scope'],
  })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: PageQueryDto) {
    return this.accounts.listOwnApiKeys(key, query);
  }

  @Post()
  @ApiRoute({
    summary:
      'Create an API key no broader than this one: same mode, optionally one channel, expiring no later (the secret is in this response only)',
    status: 201,
    response: CreatedApiKeyDto,
    errors: ['auth', 'validation', 'channel_scope', 'key_scope_exceeded', 'channel_reference'],
    audit: { action: 'api_key.create', resourceType: 'api_key' },
  })
  create(@CurrentKey() key: ApiKeyPrincipal, @Body() body: CreateOwnApiKeyDto) {
    return this.accounts.createOwnApiKey(key, body);
  }

  @Post(':keyId/revoke')
  @ApiRoute({
    summary: "Revoke one of your keys of this key's mode, this one included (idempotent)",
    status: 200,
    response: ApiKeyDto,
    errors: ['auth', 'not_found', 'channel_scope'],
    audit: { action: 'api_key.revoke', resourceType: 'api_key' },
  })
  revoke(@CurrentKey() key: ApiKeyPrincipal, @Param('keyId') keyId: string) {
    return this.accounts.revokeOwnApiKey(key, keyId);
  }
}
