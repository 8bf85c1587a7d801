import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { RequestId } from '../../platform/http/request-id';
import { ApiRoute } from '../../platform/openapi/api-route';
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
  @ApiRoute({
    summary: 'Register a webhook endpoint; its signing secret is returned once',
    status: 201,
    response: CreatedWebhookEndpointDto,
    errors: ['auth', 'validation', 'channel_scope', 'channel_reference'],
    audit: { action: 'webhook_endpoint.create', resourceType: 'webhook_endpoint' },
  })
  create(@CurrentKey() key: ApiKeyPrincipal, @Body() body: CreateWebhookEndpointDto) {
    return this.webhooks.create(key, body);
  }

  @Get()
  @ApiRoute({
    summary: 'Your webhook endpoints, newest first',
    status: 200,
    response: WebhookEndpointPageDto,
    errors: ['auth', 'validation'],
  })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: WebhookEndpointsQueryDto) {
    return this.webhooks.list(key, query);
  }

  @Get(':webhookId')
  @ApiRoute({ summary: 'One webhook endpoint', status: 200, response: WebhookEndpointDto, errors: ['auth', 'webhook_endpoint_not_found'] })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string) {
    return this.webhooks.get(key, webhookId);
  }

  @Patch(':webhookId')
  @ApiRoute({
    summary: 'Change a webhook endpoint (url, events, channel filter, enabled, description)',
    status: 200,
    response: WebhookEndpointDto,
    errors: ['auth', 'validation', 'channel_scope', 'webhook_endpoint_not_found', 'channel_reference'],
    audit: { action: 'webhook_endpoint.update', resourceType: 'webhook_endpoint' },
  })
  update(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string, @Body() body: UpdateWebhookEndpointDto) {
    return this.webhooks.update(key, webhookId, body);
  }

  @Delete(':webhookId')
  @ApiRoute({
    summary: 'Delete a webhook endpoint and its delivery history',
    status: 204,
    errors: ['auth', 'webhook_endpoint_not_found'],
    audit: { action: 'webhook_endpoint.delete', resourceType: 'webhook_endpoint' },
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  remove(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string) {
    return this.webhooks.remove(key, webhookId);
  }

  @Post(':webhookId/rotate-secret')
  @ApiRoute({
    summary: 'Issue a new signing secret; the previous one keeps signing for a window (default 24 h)',
    status: 200,
    response: CreatedWebhookEndpointDto,
    errors: ['auth', 'validation', 'webhook_endpoint_not_found'],
    audit: { action: 'webhook_endpoint.rotate_secret', resourceType: 'webhook_endpoint' },
  })
  rotateSecret(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string, @Body() body: RotateSecretDto) {
    return this.webhooks.rotateSecret(key, webhookId, body);
  }

  @Post(':webhookId/test')
  @ApiRoute({
    summary: 'Send a signed webhook.test event to this endpoint only',
    status: 202,
    response: WebhookDeliveryDto,
    errors: ['auth', 'webhook_endpoint_not_found'],
    audit: { action: 'webhook_endpoint.test', resourceType: 'webhook_endpoint' },
  })
  test(@CurrentKey() key: ApiKeyPrincipal, @Param('webhookId') webhookId: string, @RequestId() requestId: string) {
    return this.webhooks.sendTest(key, webhookId, requestId);
  }

  @Get(':webhookId/deliveries')
  @ApiRoute({
    summary: "An endpoint's deliveries, newest first, by status and event",
    status: 200,
    response: WebhookDeliveryPageDto,
    errors: ['auth', 'validation', 'webhook_endpoint_not_found'],
  })
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
  @ApiRoute({ summary: 'One delivery, with every attempt', status: 200, response: WebhookDeliveryDetailDto, errors: ['auth', 'not_found'] })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.getDelivery(key, deliveryId);
  }

  @Post(':deliveryId/replay')
  @ApiRoute({
    summary: 'Send a delivered or failed delivery again, as a new series of attempts',
    status: 202,
    response: WebhookDeliveryDto,
    errors: ['auth', 'not_found', 'no_op'],
    audit: { action: 'webhook_delivery.replay', resourceType: 'webhook_delivery' },
  })
  replay(@CurrentKey() key: ApiKeyPrincipal, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.replay(key, deliveryId);
  }
}
