import type { EventCatalogue } from '../events/event-catalogue';
import { eventComponentSchemas, JsonSchema, pascalName } from '../events/event-json-schemas';
import type { EmittedEventType } from '../events/event-payloads';
import { WEBHOOK_USER_AGENT } from './deliver-webhook-attempt';
import { webhookEnvelopeSchema, WEBHOOK_HEADERS } from './webhook-envelope';
import { WEBHOOK_API_VERSION } from './webhooks.contracts';

export function envelopeComponentName(type: EmittedEventType): string {
  return `${pascalName(type)}Webhook`;
}

const header = (name: string, required: boolean, description: string, schema: JsonSchema) => ({
  name,
  in: 'header',
  required,
  description,
  schema,
});

function operation(catalogue: EventCatalogue, type: EmittedEventType) {
  const { summary, cause } = catalogue.describe(type);
  return {
    post: {
      operationId: `webhook_${type.replace('.', '_')}`,
      summary: type,
      description: `${summary}\n\nRetried until your endpoint answers 2xx (5 attempts by default); \`410 Gone\` disables the endpoint.`,
      security: [],
      parameters: [
        header(
          WEBHOOK_HEADERS.signature,
          true,
          'Stripe\'s scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` keyed with the endpoint\'s secret (`whsec_…`); one `v1=` per live secret during a rotation. Verify against the raw body.',
          {
            type: 'string',
            pattern: '^t=\\d+(,v1=[0-9a-f]{64})+$',
          },
        ),
        header(WEBHOOK_HEADERS.event, true, 'The event type, as `event` in the body.', { type: 'string', const: type }),
        header(WEBHOOK_HEADERS.eventId, true, 'The delivery id, as `id` in the body: your idempotency key.', { type: 'string' }),
        header(
          WEBHOOK_HEADERS.correlationId,
          false,
          `The request id (X-Request-Id) of the API call that caused the event, when there was one: ${cause}`,
          { type: 'string' },
        ),
        header('User-Agent', true, 'The gateway and its version.', { type: 'string', example: WEBHOOK_USER_AGENT }),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { $ref: `#/components/schemas/${envelopeComponentName(type)}` },
            example: {
              id: 'wevt_01JZ8Q7D4E5F6G7H8J9K0M1N2P',
              event: type,
              api_version: WEBHOOK_API_VERSION,
              sent_at: '2026-05-23T14:05:00.000Z',
              attempt: 1,
              channel_id: '0196f3c2-7a5e-7b1c-9a57-3f0e2d1c4b5a',
              customer_id: 'cus_01JZ8Q0A1B2C3D4E5F6G7H8J9K',
              payload: catalogue.exampleOf(type),
            },
          },
        },
      },
      responses: {
        '2XX': { description: 'Received. The delivery is done; answer within the attempt timeout (10 s by default).' },
        '410': { description: 'Gone: the endpoint is disabled and its pending deliveries fail.' },
        default: { description: 'Any other answer, or none in time, is retried with backoff.' },
      },
    },
  };
}

/** A catalog type nothing emits yet: subscribable, so listed, but with no operation and no payload promised. */
function notYetEmitted(type: string) {
  return {
    summary: type,
    description:
      'Not emitted yet: endpoints can subscribe to it, but it arrives with the presence and calls modules; its payload is defined then.',
  };
}

/**
 * The OpenAPI 3.1 `webhooks` map — one POST per delivered event type, its body the delivery envelope with the
 * typed payload — and the component schemas it references (envelopes, payloads and the objects they embed).
 * Catalog types nothing emits yet are listed without an operation, saying so. The composition root hands it to
 * the document builder.
 */
export function webhooksOpenApi(catalogue: EventCatalogue): { webhooks: Record<string, object>; schemas: Record<string, JsonSchema> } {
  const envelopes = Object.fromEntries(
    catalogue.deliveredTypes.map((type) => [envelopeComponentName(type), webhookEnvelopeSchema(type, catalogue.schemaOf(type))]),
  );
  return {
    webhooks: Object.fromEntries([
      ...catalogue.deliveredTypes.map((type): [string, object] => [type, operation(catalogue, type)]),
      ...catalogue.notYetEmittedTypes.map((type): [string, object] => [type, notYetEmitted(type)]),
    ]),
    schemas: eventComponentSchemas(catalogue, envelopes),
  };
}
