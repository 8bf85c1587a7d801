import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import { WEBHOOK_EVENT_TYPES } from '../events/domain-event';
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from './webhooks.repository';

const timestamp = z.iso.datetime({ offset: true });
const DAY_SECONDS = 86_400;

// The version the product description publishes for the envelope and payloads. Fields may be added within
// it; a change that breaks a consumer needs a new version.
export const WEBHOOK_API_VERSION = '2026-04';
/** The event sent by `POST /v1/webhooks/{id}/test`; not part of the catalog, never sent otherwise. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

const eventsSchema = z
  .array(z.enum(['*', ...WEBHOOK_EVENT_TYPES]))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((events) => !events.includes('*') || events.length === 1, { message: '"*" stands alone' })
  .refine((events) => new Set(events).size === events.length, { message: 'an event is listed twice' })
  .describe('Event types to receive, or ["*"] for every event of the catalog.');

/**
 * Credentials in a URL would be sent as Basic auth and shown in clear by every read of the endpoint (the URL
 * is not a secret like the signing secret is), so they are refused: receivers verify the signature instead.
 */
function hasNoCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '';
  } catch {
    return true; // not a URL: the format check names that
  }
}

const urlSchema = z
  .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
  .max(2048)
  .refine(hasNoCredentials, { message: 'must not contain a user name or password; verify the signature instead' })
  .describe('Where deliveries are POSTed. Internal addresses and credentials (user:pass@) are refused.');

export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    channel_id: z.string().nullable().describe('Only events of this channel when set.'),
    enabled: z.boolean(),
    description: z.string().nullable(),
    disabled_reason: z
      .enum(['gone'])
      .nullable()
      .describe('Set when the gateway disabled the endpoint: "gone" after the receiver answered 410.'),
    previous_secret_expires_at: timestamp.nullable().describe('While in the future, the previous secret signs too.'),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });

const withSecret = {
  secret: z.string().describe('The signing secret (whsec_…). Shown once: store it now, it cannot be retrieved again.'),
};

export const createWebhookEndpointSchema = z.object({
  url: urlSchema,
  events: eventsSchema.default(['*']),
  channel_id: z.string().min(1).max(64).optional().describe('Only events of this channel.'),
  enabled: z.boolean().default(true),
  description: z.string().trim().max(500).optional(),
});
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = z
  .object({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    channel_id: z.string().min(1).max(64).nullable().optional().describe('null: every channel.'),
    enabled: z.boolean().optional(),
    description: z.string().trim().max(500).nullable().optional(),
  })
  .refine((v) => Object.values(v).some((value) => value !== undefined), { message: 'Give at least one field to change.' });
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointSchema>;

export const rotateSecretSchema = z.object({
  expire_previous_in_seconds: z
    .number()
    .int()
    .min(0)
    .max(7 * DAY_SECONDS)
    .default(DAY_SECONDS)
    .describe('How long the previous secret keeps signing (both signatures are sent); 0 retires it at once.'),
});
export type RotateSecretInput = z.infer<typeof rotateSecretSchema>;

export const webhookAttemptSchema = z
  .object({
    number: z.number().int().describe('1 for the first attempt; replays continue the count.'),
    started_at: timestamp,
    finished_at: timestamp.nullable(),
    outcome: z.enum(['succeeded', 'failed', 'error', 'interrupted']).nullable().describe('null while in flight.'),
    status_code: z.number().int().nullable(),
    latency_ms: z.number().int().nullable(),
    error: z.string().nullable(),
    response_snippet: z.string().nullable().describe("The first KiB of the receiver's answer."),
  })
  .meta({ id: 'WebhookAttempt' });

const deliveryShape = {
  id: z.string().describe('wevt_…: also the envelope id and X-WhatIsUp-Event-Id, the same on every attempt.'),
  endpoint_id: z.string(),
  event: z.string(),
  domain_event_id: z.string().nullable().describe('The event (evt_…) this delivers; null for test events.'),
  channel_id: z.string().nullable(),
  correlation_id: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempt_count: z.number().int(),
  next_attempt_at: timestamp.nullable().describe('When the next attempt is due; null once delivered or failed.'),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: timestamp.nullable(),
  created_at: timestamp,
};
export const webhookDeliverySchema = z.object(deliveryShape).meta({ id: 'WebhookDelivery' });
export const webhookDeliveryDetailSchema = z.object({
  ...deliveryShape,
  payload: z.record(z.string(), z.unknown()),
  attempts: z.array(webhookAttemptSchema),
});

export const deliveriesQuerySchema = pageQuerySchema.extend({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  event: z.string().min(1).max(64).optional().describe('Only deliveries of this event type.'),
});
export type DeliveriesQuery = z.infer<typeof deliveriesQuerySchema>;

export class WebhookEndpointDto extends createZodDto(topLevel(webhookEndpointSchema)) {}
export class CreatedWebhookEndpointDto extends createZodDto(z.object({ ...webhookEndpointSchema.shape, ...withSecret })) {}
export class WebhookEndpointPageDto extends createZodDto(pageSchema(webhookEndpointSchema)) {}
export class CreateWebhookEndpointDto extends createZodDto(createWebhookEndpointSchema) {}
export class UpdateWebhookEndpointDto extends createZodDto(updateWebhookEndpointSchema) {}
export class RotateSecretDto extends createZodDto(rotateSecretSchema) {}
export class WebhookEndpointsQueryDto extends createZodDto(pageQuerySchema) {}
export class WebhookDeliveryDto extends createZodDto(topLevel(webhookDeliverySchema)) {}
export class WebhookDeliveryDetailDto extends createZodDto(webhookDeliveryDetailSchema) {}
export class WebhookDeliveryPageDto extends createZodDto(pageSchema(webhookDeliverySchema)) {}
export class WebhookDeliveriesQueryDto extends createZodDto(deliveriesQuerySchema) {}

export function toWebhookEndpoint(row: WebhookEndpointRow, now = new Date()): z.infer<typeof webhookEndpointSchema> {
  const previousActive = row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt : null;
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    channel_id: row.channelId,
    enabled: row.enabled,
    description: row.description,
    disabled_reason: row.disabledReason === 'gone' ? 'gone' : null,
    previous_secret_expires_at: previousActive?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toWebhookDelivery(row: WebhookDeliveryRow): z.infer<typeof webhookDeliverySchema> {
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    event: row.eventType,
    domain_event_id: row.domainEventId,
    channel_id: row.channelId,
    correlation_id: row.correlationId,
    status: row.status,
    attempt_count: row.attempts,
    next_attempt_at: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

export function toWebhookAttempt(row: WebhookAttemptRow): z.infer<typeof webhookAttemptSchema> {
  return {
    number: row.number,
    started_at: row.startedAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
    outcome: row.outcome as z.infer<typeof webhookAttemptSchema>['outcome'],
    status_code: row.statusCode,
    latency_ms: row.latencyMs,
    error: row.error,
    response_snippet: row.responseSnippet,
  };
}

export function toWebhookDeliveryDetail(
  row: WebhookDeliveryRow,
  attempts: WebhookAttemptRow[],
): z.infer<typeof webhookDeliveryDetailSchema> {
  return {
    ...toWebhookDelivery(row),
    payload: row.payload as Record<string, unknown>,
    attempts: attempts.map(toWebhookAttempt),
  };
}
