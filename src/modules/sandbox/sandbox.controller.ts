import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { RequestId } from '../../platform/http/request-id';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import {
  SandboxInboundBody,
  SandboxInboundResultDto,
  SandboxOutboxDto,
  SandboxOutboxQueryDto,
  SandboxPairCodeDto,
  SandboxPhoneDto,
  SandboxReceiptDto,
  SandboxReceiptResultDto,
  SandboxScanDto,
} from './sandbox.contracts';
import { SandboxService } from './sandbox.service';

const ERRORS = ['auth', 'channel_not_found', 'channel_access_denied', 'channel_scoped_key', 'channel_unavailable'] as const;

@ApiTags('Sandbox')
@ApiBearerAuth()
@Controller('v1/sandbox/channels/:channelId')
export class SandboxController {
  constructor(private readonly sandbox: SandboxService) {}

  @Post('scan')
  @HttpCode(200)
  @AuditAction('sandbox.scan', 'channel')
  @ApiOperation({ summary: 'A simulated phone scans the channel\'s current QR (test keys only)' })
  @ApiErrorResponses(...ERRORS, 'validation', 'no_qr')
  @ZodResponse({ status: 200, type: SandboxPhoneDto })
  scan(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Body() body: SandboxScanDto, @RequestId() requestId: string) {
    return this.sandbox.scan(key, channelId, body.phone_number, requestId);
  }

  @Post('pair-code')
  @HttpCode(200)
  @AuditAction('sandbox.pair_code', 'channel')
  @ApiOperation({ summary: 'The simulated phone enters a pair code (test keys only)' })
  @ApiErrorResponses(...ERRORS, 'validation', 'pair_code_failed')
  @ZodResponse({ status: 200, type: SandboxPhoneDto })
  pairCode(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Body() body: SandboxPairCodeDto, @RequestId() requestId: string) {
    return this.sandbox.enterPairCode(key, channelId, body.code, body.phone_number, requestId);
  }

  @Post('unlink')
  @HttpCode(200)
  @AuditAction('sandbox.unlink', 'channel')
  @ApiOperation({ summary: 'The phone removes the linked device: the channel is logged out (test keys only)' })
  @ApiErrorResponses(...ERRORS)
  @ZodResponse({ status: 200, type: SandboxPhoneDto })
  unlink(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @RequestId() requestId: string) {
    return this.sandbox.unlink(key, channelId, requestId);
  }

  @Post('drop')
  @HttpCode(200)
  @AuditAction('sandbox.drop', 'channel')
  @ApiOperation({ summary: 'Drop the network connection: the channel reconnects with backoff (test keys only)' })
  @ApiErrorResponses(...ERRORS)
  @ZodResponse({ status: 200, type: SandboxPhoneDto })
  drop(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @RequestId() requestId: string) {
    return this.sandbox.drop(key, channelId, requestId);
  }

  @Post('inbound')
  @HttpCode(202)
  @AuditAction('sandbox.inbound', 'channel')
  @ApiOperation({
    summary: 'A simulated contact sends a message to the channel (test keys only)',
    description:
      'Body: `from` (E.164) and a message in the shapes of POST /v1/channels/{channelId}/messages (without `to`). Template and interactive messages arrive as the text they render to; media is fetched from `source_url`.',
  })
  @ApiBody({ schema: { type: 'object', required: ['from', 'type'], properties: { from: { type: 'string' }, type: { type: 'string' } } } })
  @ApiErrorResponses(...ERRORS, 'validation')
  @ZodResponse({ status: 202, type: SandboxInboundResultDto })
  inbound(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Body() body: SandboxInboundBody, @RequestId() requestId: string) {
    return this.sandbox.inbound(key, channelId, body, requestId);
  }

  @Get('outbox')
  @ApiOperation({ summary: 'What simulated contacts received from this channel, decrypted (test keys only)' })
  @ApiErrorResponses(...ERRORS, 'validation')
  @ZodResponse({ status: 200, type: SandboxOutboxDto })
  outbox(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Query() query: SandboxOutboxQueryDto) {
    return this.sandbox.outbox(key, channelId, query.to);
  }

  @Post('receipts')
  @HttpCode(200)
  @AuditAction('sandbox.receipt', 'channel')
  @ApiOperation({ summary: 'The recipient of a message reports it delivered or read (test keys only)' })
  @ApiErrorResponses(...ERRORS, 'validation')
  @ZodResponse({ status: 200, type: SandboxReceiptResultDto })
  receipt(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Body() body: SandboxReceiptDto, @RequestId() requestId: string) {
    return this.sandbox.receipt(key, channelId, body.message_id, body.status, requestId);
  }
}
