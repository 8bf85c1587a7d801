import fs from 'node:fs';
import path from 'node:path';
import { DomainEventInput, STREAM_ONLY_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from './domain-event';
import { renderEventPayloadDocs, withEventPayloadDocs } from './event-docs';
import { EVENT_EXAMPLES } from './event-examples';
import { EMITTED_EVENT_TYPES, EVENT_PAYLOADS, NOT_YET_EMITTED_EVENT_TYPES, payloadSchemaOf } from './event-payloads';

describe('Event payloads', () => {
  it('has an entry for every event type: a schema, or null for a catalog type nothing emits yet', () => {
    expect(Object.keys(EVENT_PAYLOADS).sort()).toEqual([...WEBHOOK_EVENT_TYPES, ...STREAM_ONLY_EVENT_TYPES].sort());
    expect(NOT_YET_EMITTED_EVENT_TYPES.every((type) => /^(group|presence|call)\./.test(type))).toBe(true);
    expect([...EMITTED_EVENT_TYPES, ...NOT_YET_EMITTED_EVENT_TYPES].sort()).toEqual(Object.keys(EVENT_PAYLOADS).sort());
  });

  it('has an example per emitted type that its schema accepts', () => {
    expect(Object.keys(EVENT_EXAMPLES).sort()).toEqual([...EMITTED_EVENT_TYPES].sort());
    for (const type of EMITTED_EVENT_TYPES) {
      const result = payloadSchemaOf(type).safeParse(EVENT_EXAMPLES[type]);
      expect({ type, issues: result.error?.issues ?? [] }).toEqual({ type, issues: [] });
    }
  });

  it('refuses what the old payloads looked like', () => {
    // message.received was the message itself (keyed `id`); status events had no timestamp.
    expect(payloadSchemaOf('message.received').safeParse(EVENT_EXAMPLES['message.received'].message).success).toBe(false);
    const { timestamp: _t, ...untimed } = EVENT_EXAMPLES['message.delivered'];
    expect(payloadSchemaOf('message.delivered').safeParse(untimed).success).toBe(false);
    expect(payloadSchemaOf('message.delivered').safeParse(EVENT_EXAMPLES['message.sent']).success).toBe(false);
  });

  it('types publishing: a payload of another type, or for a type nothing emits, does not compile', () => {
    const base = { customerId: 'cus_1', channelId: null };
    const ok: DomainEventInput[] = [
      { ...base, type: 'message.sent', payload: EVENT_EXAMPLES['message.sent'] },
      { ...base, type: 'chat.pinned', payload: EVENT_EXAMPLES['chat.pinned'] },
    ];
    // @ts-expect-error the payload of message.sent is not one of message.received
    const wrong: DomainEventInput = { ...base, type: 'message.received', payload: EVENT_EXAMPLES['message.sent'] };
    // @ts-expect-error nothing emits group.created yet: it has no payload
    const early: DomainEventInput = { ...base, type: 'group.created', payload: {} };
    expect([...ok, wrong, early]).toHaveLength(4);
  });

  it('is documented in docs/webhooks.md as the schemas say (regenerate: node -r @swc-node/register scripts/docs/event-payloads.ts)', () => {
    const markdown = fs.readFileSync(path.join(__dirname, '../../../docs/webhooks.md'), 'utf8');
    expect(markdown).toContain(renderEventPayloadDocs());
    expect(withEventPayloadDocs(markdown)).toBe(markdown);
  });
});
