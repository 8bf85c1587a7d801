import fs from 'node:fs';
import path from 'node:path';
import { EVENT_CATALOGUE, EVENT_DEFINITIONS, EVENT_EXAMPLES } from './event-catalogue';
import { EventCatalogue } from './modules/events/event-catalogue';
import { DomainEventInput, STREAM_ONLY_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from './modules/events/domain-event';
import { renderEventPayloadDocs, withEventPayloadDocs } from './modules/events/event-docs';
import type { PayloadOf } from './modules/events/event-payloads';

const { emittedTypes, notYetEmittedTypes } = EVENT_CATALOGUE;

describe('The event catalogue', () => {
  it('covers every event type: a definition from the module that emits it, or nothing yet for presence and calls', () => {
    expect([...emittedTypes, ...notYetEmittedTypes].sort()).toEqual([...WEBHOOK_EVENT_TYPES, ...STREAM_ONLY_EVENT_TYPES].sort());
    expect(notYetEmittedTypes.every((type) => /^(presence|call)\./.test(type))).toBe(true);
    expect(emittedTypes.filter((type) => notYetEmittedTypes.includes(type))).toEqual([]);
  });

  it('has an example per emitted type that its schema accepts', () => {
    expect(Object.keys(EVENT_EXAMPLES).sort()).toEqual([...emittedTypes].sort());
    for (const type of emittedTypes) {
      const result = EVENT_CATALOGUE.schemaOf(type).safeParse(EVENT_EXAMPLES[type]);
      expect({ type, issues: result.error?.issues ?? [] }).toEqual({ type, issues: [] });
    }
  });

  it('refuses what the old payloads looked like', () => {
    // message.received was the message itself (keyed `id`); status events had no timestamp.
    expect(EVENT_CATALOGUE.schemaOf('message.received').safeParse(EVENT_EXAMPLES['message.received'].message).success).toBe(false);
    const { timestamp: _t, ...untimed } = EVENT_EXAMPLES['message.delivered'];
    expect(EVENT_CATALOGUE.schemaOf('message.delivered').safeParse(untimed).success).toBe(false);
    expect(EVENT_CATALOGUE.schemaOf('message.delivered').safeParse(EVENT_EXAMPLES['message.sent']).success).toBe(false);
  });

  it("types publishing by the modules' declarations: a payload of another type, or for a type nothing emits, does not compile", () => {
    // Checked by the type checker (npm run typecheck); the assertions only keep the values used.
    const base = { customerId: 'cus_1', channelId: null };
    const ok: DomainEventInput[] = [
      { ...base, type: 'message.sent', payload: EVENT_EXAMPLES['message.sent'] },
      { ...base, type: 'chat.pinned', payload: EVENT_EXAMPLES['chat.pinned'] },
      { ...base, type: 'channel.connected', payload: EVENT_EXAMPLES['channel.connected'] },
    ];
    // @ts-expect-error the payload of message.sent is not one of message.received
    const wrong: DomainEventInput = { ...base, type: 'message.received', payload: EVENT_EXAMPLES['message.sent'] };
    // @ts-expect-error nothing emits presence.updated yet: it has no payload
    const early: DomainEventInput = { ...base, type: 'presence.updated', payload: {} };
    // @ts-expect-error `changed` names the settings a chat has
    const unknownSetting: PayloadOf<'chat.updated'> = { ...EVENT_EXAMPLES['chat.updated'], changed: ['colour'] };
    expect([...ok, wrong, early, unknownSetting]).toHaveLength(6);
  });

  it('cannot be assembled without the definitions of a type a module declared', () => {
    const { 'webhook.test': _declaredElsewhere, ...others } = EVENT_DEFINITIONS;
    // @ts-expect-error webhooks.events.ts declares webhook.test: the catalogue must define it
    const incomplete = new EventCatalogue(others, {});
    expect(incomplete.isEmitted('webhook.test')).toBe(false);
  });

  it('is documented in docs/webhooks.md as the schemas say (regenerate: node -r @swc-node/register scripts/docs/event-payloads.ts)', () => {
    const markdown = fs.readFileSync(path.join(__dirname, '../docs/webhooks.md'), 'utf8');
    expect(markdown).toContain(renderEventPayloadDocs(EVENT_CATALOGUE));
    expect(withEventPayloadDocs(markdown, EVENT_CATALOGUE)).toBe(markdown);
  });
});
