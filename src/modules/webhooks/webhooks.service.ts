import { Injectable } from '@nestjs/common';
import { EgressGuard, EgressRefusedError } from '../../platform/egress/egress-guard';
import { AppError } from '../../platform/errors/app-error';
import { idOf, isIdOf, newId } from '../../platform/ids';
import { decodeCursor, PageQuery, scopedListArgs, toPage } from '../../platform/pagination';
import { ApiKeyPrincipal } from '../auth/principal';
import { ChannelAccessService } from '../channels/channel-access.service';
import { MediaLinks } from '../media/media-links';
import { WebhookDispatcher } from './webhook-dispatcher';
import { SecretBox } from '../../platform/crypto/secret-box';
import { newSigningSecret } from './webhook-signing';
import {
  CreateWebhookEndpointInput,
  DeliveriesQuery,
  RotateSecretInput,
  toWebhookDelivery,
  toWebhookDeliveryDetail,
  toWebhookEndpoint,
  UpdateWebhookEndpointInput,
  WEBHOOK_TEST_EVENT,
} from './webhooks.contracts';
import { WebhookEndpointRow, WebhooksRepository } from './webhooks.repository';

/**
 * Webhook endpoints and their deliveries, as the API manages them. A customer sees only its own, of its key's
 * mode (an endpoint has the mode of the key that created it); a channel-scoped key sees only the endpoints
 * filtered on its channel. What is not visible answers
 * `webhook_endpoint_not_found` (or `not_found` for a delivery), never revealing that it exists.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly secrets: SecretBox,
    private readonly guard: EgressGuard,
    private readonly channels: ChannelAccessService,
    private readonly mediaLinks: MediaLinks,
  ) {}

  async create(key: ApiKeyPrincipal, input: CreateWebhookEndpointInput) {
    const channelId = input.channel_id === undefined ? key.channelId : await this.channelFilter(key, input.channel_id);
    this.assertUrlAllowed(input.url);
    const secret = newSigningSecret();
    const row = await this.repository.createEndpoint({
      id: newId('whe'),
      customerId: key.customerId,
      mode: key.mode,
      channelId,
      url: input.url,
      events: input.events,
      enabled: input.enabled,
      description: input.description ?? null,
      secret: this.secrets.seal(secret),
    });
    return { ...toWebhookEndpoint(row), secret };
  }

  async list(key: ApiKeyPrincipal, query: PageQuery) {
    const rows = await this.repository.listEndpoints(scopedListArgs(key, query, idOf('whe')));
    return toPage(rows, query.limit, (row) => toWebhookEndpoint(row));
  }

  async get(key: ApiKeyPrincipal, id: string) {
    return toWebhookEndpoint(await this.visibleEndpoint(key, id));
  }

  async update(key: ApiKeyPrincipal, id: string, input: UpdateWebhookEndpointInput) {
    const endpoint = await this.visibleEndpoint(key, id);
    let channelId: string | null | undefined;
    if (input.channel_id === null) {
      // A scoped key may not widen an endpoint to every channel.
      if (key.channelId) this.refuseChannel(key, null);
      channelId = null;
    } else if (input.channel_id !== undefined) {
      channelId = await this.channelFilter(key, input.channel_id);
    }
    if (input.url !== undefined) this.assertUrlAllowed(input.url);
    const row = await this.repository.updateEndpoint(endpoint.id, {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: input.events } : {}),
      ...(channelId !== undefined ? { channelId } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled, disabledReason: null } : {}),
    });
    return toWebhookEndpoint(row);
  }

  async remove(key: ApiKeyPrincipal, id: string): Promise<void> {
    const endpoint = await this.visibleEndpoint(key, id);
    await this.repository.deleteEndpoint(endpoint.id);
  }

  async rotateSecret(key: ApiKeyPrincipal, id: string, input: RotateSecretInput) {
    const endpoint = await this.visibleEndpoint(key, id);
    const secret = newSigningSecret();
    const keepPrevious = input.expire_previous_in_seconds > 0;
    const row = await this.repository.updateEndpoint(endpoint.id, {
      secret: this.secrets.seal(secret),
      previousSecret: keepPrevious ? endpoint.secret : null,
      previousSecretExpiresAt: keepPrevious ? new Date(Date.now() + input.expire_previous_in_seconds * 1000) : null,
    });
    return { ...toWebhookEndpoint(row), secret };
  }

  /** Sends a `webhook.test` event to this endpoint only, through the usual delivery path. */
  async sendTest(key: ApiKeyPrincipal, id: string, requestId: string) {
    const endpoint = await this.visibleEndpoint(key, id);
    const delivery = await this.repository.createDelivery({
      id: newId('wevt'),
      endpointId: endpoint.id,
      customerId: endpoint.customerId,
      channelId: endpoint.channelId,
      domainEventId: null,
      eventType: WEBHOOK_TEST_EVENT,
      payload: { endpoint_id: endpoint.id, message: 'A test event sent from the WhatIsUp API.' },
      correlationId: requestId,
    });
    await this.dispatcher.enqueueFirstAttempts([delivery]);
    return toWebhookDelivery(delivery);
  }

  async listDeliveries(key: ApiKeyPrincipal, id: string, query: DeliveriesQuery) {
    const endpoint = await this.visibleEndpoint(key, id);
    const rows = await this.repository.listDeliveries({
      endpointId: endpoint.id,
      status: query.status,
      event: query.event,
      before: decodeCursor(query.cursor, idOf('wevt')),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, toWebhookDelivery);
  }

  async getDelivery(key: ApiKeyPrincipal, id: string) {
    const delivery = await this.visibleDelivery(key, id);
    const detail = toWebhookDeliveryDetail(delivery, await this.repository.attemptsOf(delivery.id));
    // The payload as an attempt sent now would carry it: media links are minted when shown, never stored.
    return { ...detail, payload: this.mediaLinks.inPayload(delivery.eventType, detail.payload) };
  }

  /** A delivered or failed delivery gets a new series of attempts, under the same event id. */
  async replay(key: ApiKeyPrincipal, id: string) {
    const delivery = await this.visibleDelivery(key, id);
    const replayed = await this.repository.replay(delivery.id);
    if (!replayed) {
      throw new AppError('no_op', `Delivery ${id} is still pending; it cannot be replayed until it is delivered or failed.`, {
        details: { status: delivery.status },
      });
    }
    await this.dispatcher.enqueueAttempt(replayed, replayed.attempts + 1);
    return toWebhookDelivery(replayed);
  }

  private async visibleEndpoint(key: ApiKeyPrincipal, id: string): Promise<WebhookEndpointRow> {
    const endpoint = isIdOf('whe', id) ? await this.repository.findEndpoint(key.customerId, id) : null;
    if (!endpoint || endpoint.mode !== key.mode || (key.channelId && endpoint.channelId !== key.channelId)) {
      throw new AppError('webhook_endpoint_not_found', `No webhook endpoint ${id}.`);
    }
    return endpoint;
  }

  private async visibleDelivery(key: ApiKeyPrincipal, id: string) {
    const delivery = isIdOf('wevt', id) ? await this.repository.findDelivery(key.customerId, id) : null;
    if (!delivery || delivery.endpoint.mode !== key.mode || (key.channelId && delivery.endpoint.channelId !== key.channelId)) {
      throw new AppError('not_found', `No webhook delivery ${id}.`);
    }
    return delivery;
  }

  /**
   * The channel an endpoint is filtered on, checked like a channel route checks it: the key's own scope
   * (`channel_scoped_key`), the customer's channel (`channel_not_found`), of the key's mode
   * (`channel_access_denied`), not deleted. Stored as the channel's id, however the client wrote it.
   */
  private async channelFilter(key: ApiKeyPrincipal, channelId: string): Promise<string> {
    return (await this.channels.require(key, channelId)).id;
  }

  private refuseChannel(key: ApiKeyPrincipal, requested: string | null): never {
    throw new AppError('channel_scoped_key', `This key is scoped to channel ${key.channelId}.`, {
      details: { key_channel_id: key.channelId, requested_channel_id: requested },
    });
  }

  private assertUrlAllowed(url: string): void {
    try {
      this.guard.assertAllowedUrl(url);
    } catch (error) {
      if (!(error instanceof EgressRefusedError)) throw error;
      throw new AppError('invalid_request', `The URL may not be used: ${error.message}.`, {
        details: { issues: [{ path: ['url'], message: `internal address refused: ${error.message}` }] },
      });
    }
  }
}
