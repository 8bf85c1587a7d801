import { z } from 'zod';
import { defineEvents, PayloadsOf } from '../events/event-payloads';

/** webhook.test: what POST /v1/webhooks/{webhookId}/test sends to its endpoint. */
export const WEBHOOK_EVENTS = defineEvents({
  'webhook.test': {
    schema: z.object({
      endpoint_id: z.string().describe('The endpoint the test was sent to.'),
      message: z.string(),
    }),
    summary: 'Sent only by POST /v1/webhooks/{webhookId}/test, to that endpoint only; not part of the catalog.',
    cause: 'The test request.',
    example: { endpoint_id: 'whe_01JZ8Q6C3D4E5F6G7H8J9K0M1N', message: 'A test event sent from the WhatIsUp API.' },
  },
});

declare module '../events/event-payloads' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds this module's payloads
  interface EventPayloads extends PayloadsOf<typeof WEBHOOK_EVENTS> {}
}
