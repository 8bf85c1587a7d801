import type { PayloadOf } from './event-payloads';

/**
 * Domain events: the typed record of every state change a customer may want to hear about.
 * Persisted in the same transaction as the change (domain_events), streamed over SSE, and fanned out to
 * webhook endpoints. Type names are part of the public API: never rename one.
 */
export const WEBHOOK_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.delivered',
  'message.failed',
  'message.reaction',
  'channel.connected',
  'channel.disconnected',
  'group.created',
  'group.updated',
  'group.participant_added',
  'group.participant_removed',
  'group.admin_promoted',
  'group.admin_demoted',
  'chat.updated',
  'chat.archived',
  'chat.pinned',
  'presence.updated',
  'call.offered',
  'call.terminated',
  'story.viewed',
] as const;

/** Streamed over SSE and kept in the event log, but not a webhook event of the catalog. */
export const STREAM_ONLY_EVENT_TYPES = ['channel.state_changed', 'message.read', 'webhook.test'] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type DomainEventType = WebhookEventType | (typeof STREAM_ONLY_EVENT_TYPES)[number];

/**
 * An event to publish. A union over the event types (one member per type), so that `payload` has to be the
 * payload of that `type` (the payloads the modules declare, see event-payloads.ts); a type nothing emits yet
 * has no payload and cannot be published.
 */
export type DomainEventInput<T extends DomainEventType = DomainEventType> = {
  [K in T]: {
    type: K;
    customerId: string;
    channelId: string | null;
    payload: PayloadOf<K>;
    /** The request that caused it (its request id), carried to webhooks as X-WhatIsUp-Correlation-Id. */
    correlationId?: string | null;
  };
}[T];

/**
 * An event as stored. Its payload is not typed: events written before a payload change keep the shape they
 * were written with (SSE replays and pending deliveries send them as they are).
 */
export interface DomainEvent {
  /** `evt_<ulid>`: the consumer's idempotency key. */
  id: string;
  type: DomainEventType;
  customerId: string;
  channelId: string | null;
  payload: Record<string, unknown>;
  correlationId?: string | null;
  /**
   * The mode of its channel (set by the database on insert): keys and webhook endpoints of the other mode never
   * see it. Null for an event without a channel, which keys of both modes see.
   */
  mode?: 'live' | 'test' | null;
  /** Commit-ordered sequence; the SSE event id. */
  seq: bigint;
  occurredAt: Date;
}

export function isWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}
