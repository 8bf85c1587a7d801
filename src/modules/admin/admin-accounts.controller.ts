import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
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
import { AuditAction } from '../audit/audit-action.decorator';
import { AdminOnly } from '../auth/public.decorator';

/** The operator's API: the same operations as the CLI, authenticated with ADMIN_TOKEN. */
@ApiTags('Admin')
@ApiBearerAuth(ADMIN_SECURITY)
@AdminOnly()
@Controller('v1/admin')
export class AdminAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('customers')
  @AuditAction('customer.create', 'customer')
  @ApiOperation({ summary: 'Create a customer' })
  @ApiErrorResponses('admin', 'validation')
  @ZodResponse({ status: 201, type: CustomerDto })
  createCustomer(@Body() body: CreateCustomerDto) {
    return this.accounts.createCustomer(body);
  }

  @Get('customers')
  @ApiOperation({ summary: 'List customers, newest first' })
  @ApiErrorResponses('admin', 'validation')
  @ZodResponse({ status: 200, type: CustomerPageDto })
  listCustomers(@Query() query: PageQueryDto) {
    return this.accounts.listCustomers(query);
  }

  @Get('customers/:customerId')
  @ApiOperation({ summary: 'One customer' })
  @ApiErrorResponses('admin', 'not_found')
  @ZodResponse({ status: 200, type: CustomerDto })
  getCustomer(@Param('customerId') customerId: string) {
    return this.accounts.getCustomer(customerId);
  }

  @Patch('customers/:customerId')
  @AuditAction('customer.update', 'customer')
  @ApiOperation({ summary: 'Rename a customer or change its plan' })
  @ApiErrorResponses('admin', 'validation', 'not_found')
  @ZodResponse({ status: 200, type: CustomerDto })
  updateCustomer(@Param('customerId') customerId: string, @Body() body: UpdateCustomerDto) {
    return this.accounts.updateCustomer(customerId, body);
  }

  @Post('keys')
  @AuditAction('api_key.create', 'api_key')
  @ApiOperation({ summary: 'Create an API key (the secret is in this response only)' })
  @ApiErrorResponses('admin', 'validation', 'not_found', 'channel_reference')
  @ZodResponse({ status: 201, type: CreatedApiKeyDto })
  createKey(@Body() body: CreateApiKeyDto) {
    return this.accounts.createApiKey(body);
  }

  @Get('keys')
  @ApiOperation({ summary: 'List API keys (prefix only), newest first' })
  @ApiErrorResponses('admin', 'validation')
  @ZodResponse({ status: 200, type: ApiKeyPageDto })
  listKeys(@Query() query: ListApiKeysQueryDto) {
    return this.accounts.listApiKeys(query);
  }

  @Post('keys/:keyId/revoke')
  @HttpCode(200)
  @AuditAction('api_key.revoke', 'api_key')
  @ApiOperation({ summary: 'Revoke an API key (idempotent)' })
  @ApiErrorResponses('admin', 'not_found')
  @ZodResponse({ status: 200, type: ApiKeyDto })
  revokeKey(@Param('keyId') keyId: string) {
    return this.accounts.revokeApiKey(keyId);
  }

  @Get('plans')
  @ApiOperation({ summary: 'List plans' })
  @ApiErrorResponses('admin')
  @ZodResponse({ status: 200, type: PlanListDto })
  listPlans() {
    return this.accounts.listPlans();
  }

  @Put('plans/:planId')
  @AuditAction('plan.upsert', 'plan')
  @ApiOperation({ summary: 'Create or replace a plan' })
  @ApiErrorResponses('admin', 'validation')
  @ZodResponse({ status: 200, type: PlanDto })
  upsertPlan(@Param('planId') planId: string, @Body() body: UpsertPlanDto) {
    return this.accounts.upsertPlan(planId, body);
  }
}
