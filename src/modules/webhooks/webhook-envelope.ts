import { z } from 'zod';
import { WEBHOOK_API_VERSION } from './webhooks.contracts';

/** The headers every delivery carries besides Content-Type and User-Agent. */
export const WEBHOOK_HEADERS = {
  signature: 'X-WhatIsUp-Signature',
  event: 'X-WhatIsUp-Event',
  eventId: 'X-WhatIsUp-Event-Id',
  /** Only when a request caused the event. */
  correlationId: 'X-WhatIsUp-Correlation-Id',
} as const;

/** The JSON body of a delivery: the same envelope around every event type's payload. */
export function webhookEnvelopeSchema<T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.object({
    id: z
      .string()
      .describe('The delivery (`wevt_…`), also X-WhatIsUp-Event-Id: your idempotency key, the same on every attempt and replay.'),
    event: z.literal(type).describe('The event type, also X-WhatIsUp-Event.'),
    api_version: z.literal(WEBHOOK_API_VERSION).describe('The version of the envelope and payload shapes.'),
    sent_at: z.iso
      .datetime({ offset: true })
      .describe("When this attempt was sent (not when the event happened: see the payload's own timestamps)."),
    attempt: z.number().int().min(1).describe('Counts from 1; replays continue the count.'),
    channel_id: z
      .string()
      .nullable()
      .describe('The channel the event happened on; null only for webhook.test of an endpoint for every channel.'),
    customer_id: z.string(),
    payload,
  });
}

export type WebhookEnvelope = z.infer<ReturnType<typeof webhookEnvelopeSchema<string, z.ZodRecord<z.ZodString, z.ZodUnknown>>>>;

/** What is sent for one attempt of a delivery. */
export function toWebhookEnvelope(
  delivery: {
    id: string;
    eventType: string;
    attempts: number;
    channelId: string | null;
    customerId: string;
    payload: Record<string, unknown>;
  },
  sentAt: Date,
): WebhookEnvelope {
  return {
    id: delivery.id,
    event: delivery.eventType,
    api_version: WEBHOOK_API_VERSION,
    sent_at: sentAt.toISOString(),
    attempt: delivery.attempts,
    channel_id: delivery.channelId,
    customer_id: delivery.customerId,
    payload: delivery.payload,
  };
}
