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
  @ApiErrorResponses('auth', 'validation', 'channel_scope', 'channel_reference')
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

  @Get(':webhookId')
  @ApiOperation({ summary: 'One webhook endpoint' })
  @ApiErrorResponses('auth', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 200, type: WebhookEndpointDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string) {
    return this.webhooks.get(key, webhookId);
  }

  @Patch(':webhookId')
  @AuditAction('webhook_endpoint.update', 'webhook_endpoint')
  @ApiOperation({ summary: 'Change a webhook endpoint (url, events, channel filter, enabled, description)' })
  @ApiErrorResponses('auth', 'validation', 'channel_scope', 'webhook_endpoint_not_found', 'channel_reference')
  @ZodResponse({ status: 200, type: WebhookEndpointDto })
  update(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string, @Body() body: UpdateWebhookEndpointDto) {
    return this.webhooks.update(key, webhookId, body);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @AuditAction('webhook_endpoint.delete', 'webhook_endpoint')
  @ApiOperation({ summary: 'Delete a webhook endpoint and its delivery history' })
  @ApiErrorResponses('auth', 'webhook_endpoint_not_found')
  @ApiNoContentResponse({ description: 'Deleted.' })
  remove(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string) {
    return this.webhooks.remove(key, webhookId);
  }

  @Post(':webhookId/rotate-secret')
  @HttpCode(200)
  @AuditAction('webhook_endpoint.rotate_secret', 'webhook_endpoint')
  @ApiOperation({ summary: 'Issue a new signing secret; the previous one keeps signing for a window (default 24 h)' })
  @ApiErrorResponses('auth', 'validation', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 200, type: CreatedWebhookEndpointDto })
  rotateSecret(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string, @Body() body: RotateSecretDto) {
    return this.webhooks.rotateSecret(key, webhookId, body);
  }

  @Post(':webhookId/test')
  @HttpCode(202)
  @AuditAction('webhook_endpoint.test', 'webhook_endpoint')
  @ApiOperation({ summary: 'Send a signed webhook.test event to this endpoint only' })
  @ApiErrorResponses('auth', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 202, type: WebhookDeliveryDto })
  test(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string, @Req() request: Request) {
    return this.webhooks.sendTest(key, webhookId, requestIdOf(request));
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: "An endpoint's deliveries, newest first, by status and event" })
  @ApiErrorResponses('auth', 'validation', 'webhook_endpoint_not_found')
  @ZodResponse({ status: 200, type: WebhookDeliveryPageDto })
  deliveries(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string, @Query() query: WebhookDeliveriesQueryDto) {
    return this.webhooks.listDeliveries(key, webhookId, query);
  }
}

@ApiTags('Webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get(':deliveryId')
  @ApiOperation({ summary: 'One delivery, with every attempt' })
  @ApiErrorResponses('auth', 'not_found')
  @ZodResponse({ status: 200, type: WebhookDeliveryDetailDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.getDelivery(key, deliveryId);
  }

  @Post(':deliveryId/replay')
  @HttpCode(202)
  @AuditAction('webhook_delivery.replay', 'webhook_delivery')
  @ApiOperation({ summary: 'Send a delivered or failed delivery again, as a new series of attempts' })
  @ApiErrorResponses('auth', 'not_found', 'no_op')
  @ZodResponse({ status: 202, type: WebhookDeliveryDto })
  replay(@CurrentKey() key: ApiKeyPrincipal, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.replay(key, deliveryId);
  }
}
