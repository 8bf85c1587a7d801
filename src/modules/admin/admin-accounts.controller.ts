import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { ADMIN_SECURITY } from '../../platform/openapi/security-schemes';
import {
  ApiKeyDto,
  ApiKeyPageDto,
  CreateApiKeyDto,
  CreateCustomerDto,
  CreatedApiKeyDto,
  CustomerDto,
  CustomerPageDto,
  ListApiKeysQueryDto,
  PageQueryDto,
  PlanDto,
  PlanListDto,
  UpdateCustomerDto,
  UpsertPlanDto,
} from '../accounts/accounts.contracts';
import { AccountsService } from '../accounts/accounts.service';
import { AdminOnly } from '../../platform/http/route-access';

/** The operator's API: the same operations as the CLI, authenticated with ADMIN_TOKEN. */
@ApiTags('Admin')
@ApiBearerAuth(ADMIN_SECURITY)
@AdminOnly()
@Controller('v1/admin')
export class AdminAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('customers')
  @ApiRoute({
    summary: 'Create a customer',
    status: 201,
    response: CustomerDto,
    errors: ['admin', 'validation'],
    audit: { action: 'customer.create', resourceType: 'customer' },
  })
  createCustomer(@Body() body: CreateCustomerDto) {
    return this.accounts.createCustomer(body);
  }

  @Get('customers')
  @ApiRoute({ summary: 'List customers, newest first', status: 200, response: CustomerPageDto, errors: ['admin', 'validation'] })
  listCustomers(@Query() query: PageQueryDto) {
    return this.accounts.listCustomers(query);
  }

  @Get('customers/:customerId')
  @ApiRoute({ summary: 'One customer', status: 200, response: CustomerDto, errors: ['admin', 'not_found'] })
  getCustomer(@Param('customerId') customerId: string) {
    return this.accounts.getCustomer(customerId);
  }

  @Patch('customers/:customerId')
  @ApiRoute({
    summary: 'Rename a customer or change its plan',
    status: 200,
    response: CustomerDto,
    errors: ['admin', 'validation', 'not_found'],
    audit: { action: 'customer.update', resourceType: 'customer' },
  })
  updateCustomer(@Param('customerId') customerId: string, @Body() body: UpdateCustomerDto) {
    return this.accounts.updateCustomer(customerId, body);
  }

  @Post('keys')
  @ApiRoute({
    summary: 'Create an API key (the secret is in this response only)',
    status: 201,
    response: CreatedApiKeyDto,
    errors: ['admin', 'validation', 'not_found', 'channel_reference'],
    audit: { action: 'api_key.create', resourceType: 'api_key' },
  })
  createKey(@Body() body: CreateApiKeyDto) {
    return this.accounts.createApiKey(body);
  }

  @Get('keys')
  @ApiRoute({ summary: 'List API keys (prefix only), newest first', status: 200, response: ApiKeyPageDto, errors: ['admin', 'validation'] })
  listKeys(@Query() query: ListApiKeysQueryDto) {
    return this.accounts.listApiKeys(query);
  }

  @Post('keys/:keyId/revoke')
  @ApiRoute({
    summary: 'Revoke an API key (idempotent)',
    status: 200,
    response: ApiKeyDto,
    errors: ['admin', 'not_found'],
    audit: { action: 'api_key.revoke', resourceType: 'api_key' },
  })
  revokeKey(@Param('keyId') keyId: string) {
    return this.accounts.revokeApiKey(keyId);
  }

  @Get('plans')
  @ApiRoute({ summary: 'List plans', status: 200, response: PlanListDto, errors: ['admin'] })
  listPlans() {
    return this.accounts.listPlans();
  }

  @Put('plans/:planId')
  @ApiRoute({
    summary: 'Create or replace a plan',
    status: 200,
    response: PlanDto,
    errors: ['admin', 'validation'],
    audit: { action: 'plan.upsert', resourceType: 'plan' },
  })
  upsertPlan(@Param('planId') planId: string, @Body() body: UpsertPlanDto) {
    return this.accounts.upsertPlan(planId, body);
  }
}
