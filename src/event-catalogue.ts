import { CALL_EVENTS } from './modules/calls/calls.events';
import { CHANNEL_EVENTS } from './modules/channels/channels.events';
import { CHAT_EVENT_OBJECTS, CHAT_EVENTS } from './modules/chats/chats.events';
import { EventCatalogue } from './modules/events/event-catalogue';
import { GROUP_EVENT_OBJECTS, GROUP_EVENTS } from './modules/groups/groups.events';
import type { EmittedEventType, PayloadOf } from './modules/events/event-payloads';
import { PRESENCE_EVENTS } from './modules/presence/presence.events';
import { MESSAGE_EVENT_OBJECTS, MESSAGE_EVENTS } from './modules/messages/messages.events';
import { STORY_EVENTS } from './modules/stories/stories.events';
import { WEBHOOK_EVENTS } from './modules/webhooks/webhooks.events';

/**
 * Every event type the gateway emits, from the module that emits it (`<module>.events.ts`). A module that
 * declares payloads must be listed here: the catalogue's type asks for a definition of every declared type.
 * Types of the catalogue nobody declares (domain-event.ts) stay subscribable, with no payload promised.
 * The order is the order of the documentation and of the OpenAPI components.
 */
export const EVENT_DEFINITIONS = {
  ...MESSAGE_EVENTS,
  ...CHANNEL_EVENTS,
  ...GROUP_EVENTS,
  ...CHAT_EVENTS,
  ...CALL_EVENTS,
  ...PRESENCE_EVENTS,
  ...STORY_EVENTS,
  ...WEBHOOK_EVENTS,
};

export const EVENT_CATALOGUE = new EventCatalogue(EVENT_DEFINITIONS, {
  ...MESSAGE_EVENT_OBJECTS,
  ...GROUP_EVENT_OBJECTS,
  ...CHAT_EVENT_OBJECTS,
});

/** The example payload of every emitted type, for tests and benchmarks that publish events. */
export const EVENT_EXAMPLES = Object.fromEntries(EVENT_CATALOGUE.emittedTypes.map((type) => [type, EVENT_CATALOGUE.example(type)])) as {
  [T in EmittedEventType]: PayloadOf<T>;
};
