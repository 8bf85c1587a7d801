import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { requestIdOf } from '../../platform/http/request-id';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import {
  CreatedWebhookEndpointDto,
  CreateWebhookEndpointDto,
  RotateSecretDto,
  UpdateWebhookEndpointDto,
  WebhookDeliveriesQueryDto,
  WebhookDeliveryDetailDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
  WebhookEndpointPageDto,
  WebhookEndpointsQueryDto,
} from './webhooks.contracts';
import { WebhooksService } from './webhooks.service';

@ApiTags('Webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @AuditAction('webhook_endpoint.create', 'webhook_endpoint')
  @ApiOperation({ summary: 'Register a webhook endpoint; its signing secret is returned once' })
  @ApiErrorResponses('auth', 'validation', 'channel_scope')
  @ZodResponse({ status: 201, type: CreatedWebhookEndpointDto })
  create(@CurrentKey() key: ApiKeyPrincipal, @Body() body: CreateWebhookEndpointDto) {
    return this.webhooks.create(key, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your webhook endpoints, newest first' })
  @ApiErrorResponses('auth', 'validation')
  @ZodResponse({ status: 200, type: WebhookEndpointPageDto })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: WebhookEndpointsQueryDto) {
    return this.webhooks.list(key, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook endpoint' })
  @ApiErrorResponses('auth', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 200, type: WebhookEndpointDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('id') id: string) {
    return this.webhooks.get(key, id);
  }

  @Patch(':id')
  @AuditAction('webhook_endpoint.update', 'webhook_endpoint')
  @ApiOperation({ summary: 'Change a webhook endpoint (url, events, channel filter, enabled, description)' })
  @ApiErrorResponses('auth', 'validation', 'channel_scope', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 200, type: WebhookEndpointDto })
  update(@CurrentKey() key: ApiKeyPrincipal, @Param('id') id: string, @Body() body: UpdateWebhookEndpointDto) {
    return this.webhooks.update(key, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AuditAction('webhook_endpoint.delete', 'webhook_endpoint')
  @ApiOperation({ summary: 'Delete a webhook endpoint and its delivery history' })
  @ApiErrorResponses('auth', 'webhook_endpoint_not_found')
  @ApiNoContentResponse({ description: 'Deleted.' })
  remove(@CurrentKey() key: ApiKeyPrincipal, @Param('id') id: string) {
    return this.webhooks.remove(key, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @AuditAction('webhook_endpoint.rotate_secret', 'webhook_endpoint')
  @ApiOperation({ summary: 'Issue a new signing secret; the previous one keeps signing for a window (default 24 h)' })
  @ApiErrorResponses('auth', 'validation', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 200, type: CreatedWebhookEndpointDto })
  rotateSecret(@CurrentKey() key: ApiKeyPrincipal, @Param('id') id: string, @Body() body: RotateSecretDto) {
    return this.webhooks.rotateSecret(key, id, body);
  }

  @Post(':id/test')
  @HttpCode(202)
  @AuditAction('webhook_endpoint.test', 'webhook_endpoint')
  @ApiOperation({ summary: 'Send a signed webhook.test event to this endpoint only' })
  @ApiErrorResponses('auth', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 202, type: WebhookDeliveryDto })
  test(@CurrentKey() key: ApiKeyPrincipal, @Param('id') id: string, @Req() request: Request) {
    return this.webhooks.sendTest(key, id, requestIdOf(request));
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "An endpoint's deliveries, newest first, by status and event" })
  @ApiErrorResponses('auth', 'validation', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 200, type: WebhookDeliveryPageDto })
  deliveries(@CurrentKey() key: ApiKeyPrincipal, @Param('id') id: string, @Query() query: WebhookDeliveriesQueryDto) {
    return this.webhooks.listDeliveries(key, id, query);
  }
}

@ApiTags('Webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get(':id')
  @ApiOperation({ summary: 'One delivery, with every attempt' })
  @ApiErrorResponses('auth', 'not_found')
  @ZodResponse({ status: 200, type: WebhookDeliveryDetailDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('id') id: string) {
    return this.webhooks.getDelivery(key, id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @AuditAction('webhook_delivery.replay', 'webhook_delivery')
  @ApiOperation({ summary: 'Send a delivered or failed delivery again, as a new series of attempts' })
  @ApiErrorResponses('auth', 'not_found', 'no_op')
  @ZodResponse({ status: 202, type: WebhookDeliveryDto })
  replay(@CurrentKey() key: ApiKeyPrincipal, @Param('id') id: string) {
    return this.webhooks.replay(key, id);
  }
}
