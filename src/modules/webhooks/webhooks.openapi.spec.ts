import { compileErrors, validate } from '@readme/openapi-parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { STREAM_ONLY_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '../events/domain-event';
import { EVENT_CATALOGUE, EVENT_EXAMPLES } from '../../event-catalogue';
import { JsonSchema } from '../events/event-json-schemas';
import type { EmittedEventType } from '../events/event-payloads';
import { toWebhookEnvelope } from './webhook-envelope';
import { envelopeComponentName, webhooksOpenApi } from './webhooks.openapi';

type Operation = {
  parameters: Array<{ name: string; in: string; required: boolean }>;
  requestBody: { content: { 'application/json': { schema: { $ref: string }; example: unknown } } };
};
type PathItem = { post?: Operation; description?: string };

const { webhooks, schemas }: { webhooks: Record<string, PathItem>; schemas: Record<string, JsonSchema> } = webhooksOpenApi(EVENT_CATALOGUE);
const EMITTED_EVENT_TYPES = [...EVENT_CATALOGUE.emittedTypes];
const NOT_YET_EMITTED_EVENT_TYPES = [...EVENT_CATALOGUE.notYetEmittedTypes];
const DELIVERED_EVENT_TYPES = [...EVENT_CATALOGUE.deliveredTypes];

/** ajv over the component schemas, as `#/components/schemas/<name>` references resolve in the document. */
function validatorOf(name: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ components: { schemas } }, 'doc');
  return ajv.compile({ $ref: `doc#/components/schemas/${name}` });
}

function envelopeOf(type: EmittedEventType, payload: unknown = EVENT_EXAMPLES[type]) {
  return toWebhookEnvelope(
    {
      id: 'wevt_01JZ8Q7D4E5F6G7H8J9K0M1N2P',
      eventType: type,
      attempts: 1,
      channelId: null,
      customerId: 'cus_1',
      payload: payload as Record<string, unknown>,
    },
    new Date(),
  );
}

describe('The OpenAPI webhooks section', () => {
  it('has one POST per emitted event type of the catalog and webhook.test, and only those', () => {
    const withOperation = Object.keys(webhooks).filter((type) => webhooks[type].post);
    const expected = [...WEBHOOK_EVENT_TYPES.filter((type) => (EMITTED_EVENT_TYPES as string[]).includes(type)), 'webhook.test'];
    expect(withOperation.sort()).toEqual([...expected].sort());
    expect(DELIVERED_EVENT_TYPES.sort()).toEqual([...expected].sort());
    for (const type of STREAM_ONLY_EVENT_TYPES.filter((t) => t !== 'webhook.test')) expect(webhooks[type]).toBeUndefined();
  });

  it('lists the catalog types nothing emits yet without an operation, saying they are not emitted yet', () => {
    expect(NOT_YET_EMITTED_EVENT_TYPES).toEqual([]);
    for (const type of NOT_YET_EMITTED_EVENT_TYPES) {
      expect(webhooks[type].post).toBeUndefined();
      expect(webhooks[type].description).toMatch(/not emitted yet/i);
    }
  });

  it('makes a valid OpenAPI 3.1 document', async () => {
    const document = { openapi: '3.1.0', info: { title: 'webhooks', version: '1' }, paths: {}, webhooks, components: { schemas } };
    const result = await validate(structuredClone(document) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it('declares the signature, event, event id and correlation id headers of every delivery', () => {
    for (const type of DELIVERED_EVENT_TYPES) {
      const headers = Object.fromEntries(webhooks[type].post!.parameters.filter((p) => p.in === 'header').map((p) => [p.name, p.required]));
      expect({ type, headers }).toEqual({
        type,
        headers: {
          'X-WhatIsUp-Signature': true,
          'X-WhatIsUp-Event': true,
          'X-WhatIsUp-Event-Id': true,
          'X-WhatIsUp-Correlation-Id': false,
          'User-Agent': true,
        },
      });
    }
  });

  it("describes each body as the envelope the sender sends, around that type's payload", () => {
    for (const type of DELIVERED_EVENT_TYPES) {
      const body = webhooks[type].post!.requestBody.content['application/json'];
      expect(body.schema).toEqual({ $ref: `#/components/schemas/${envelopeComponentName(type)}` });
      const check = validatorOf(envelopeComponentName(type));
      const sent = JSON.parse(JSON.stringify(envelopeOf(type)));
      expect({ type, valid: check(sent), errors: check.errors ?? null }).toEqual({ type, valid: true, errors: null });
      expect({ type, valid: check(body.example) }).toEqual({ type, valid: true });
      expect(Object.keys(sent).sort()).toEqual([...(schemas[envelopeComponentName(type)].required as string[])].sort());
    }
  });

  it('refuses a payload of another event type, and the old shapes', () => {
    const check = validatorOf(envelopeComponentName('message.received'));
    expect(check(JSON.parse(JSON.stringify(envelopeOf('message.received', EVENT_EXAMPLES['message.sent']))))).toBe(false);
    expect(check({ ...JSON.parse(JSON.stringify(envelopeOf('message.received'))), event: 'message.sent' })).toBe(false);
    // message.received used to be the message itself, keyed `id`.
    expect(check(JSON.parse(JSON.stringify(envelopeOf('message.received', EVENT_EXAMPLES['message.received'].message))))).toBe(false);
  });

  it('publishes nullable fields as JSON Schema null types, never as OpenAPI 3.0 `nullable` or a bare array', () => {
    const json = JSON.stringify(schemas);
    expect(json).not.toContain('"nullable"');
    const sent = schemas.MessageSentPayload as { properties: Record<string, JsonSchema> };
    expect(sent.properties.client_ref).toMatchObject({ type: ['string', 'null'] });
    expect(sent.properties.read_at).toMatchObject({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] });
    const check = validatorOf('MessageSentPayload');
    expect(check({ ...EVENT_EXAMPLES['message.sent'], client_ref: null })).toBe(true);
    expect(check({ ...EVENT_EXAMPLES['message.sent'], client_ref: ['a'] })).toBe(false);
    for (const [name, schema] of Object.entries(schemas)) expect({ name, type: schema.type }).toEqual({ name, type: 'object' });
  });

  it('names the message id `message_id` and the chat `chat_id` in every message event', () => {
    for (const type of DELIVERED_EVENT_TYPES.concat('message.read').filter((t) => t.startsWith('message.'))) {
      const payload = schemas[`${envelopeComponentName(type).replace(/Webhook$/, '')}Payload`] as {
        properties: Record<string, JsonSchema>;
        required: string[];
      };
      expect({
        type,
        id: payload.properties.message_id,
        required: payload.required.includes('message_id') && payload.required.includes('chat_id'),
      }).toEqual({
        type,
        id: expect.objectContaining({ type: 'string' }),
        required: true,
      });
      expect(payload.properties.id).toBeUndefined();
    }
  });
});
