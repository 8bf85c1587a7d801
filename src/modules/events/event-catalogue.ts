import type { z } from 'zod';
import { DomainEventType, STREAM_ONLY_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from './domain-event';
import { EmittedEventType, EventDefinition, EventObjectDefinition, PayloadOf } from './event-payloads';

/** One definition per emitted type, its example typed as that type's payload. */
export type EventDefinitions = { [T in EmittedEventType]: EventDefinition & { example: PayloadOf<T> } };

/**
 * Every event type with what the modules say of it: the payload schemas, their descriptions and examples, and
 * the objects payloads embed. Assembled from the modules' `<module>.events.ts` by the composition root
 * (src/event-catalogue.ts) and provided through DI (`EventsModule.forRoot`), so the events module knows the
 * types without importing the modules that emit them. It is what the OpenAPI `webhooks` section,
 * docs/webhooks.md and the payload check of `EventsService` read.
 */
export class EventCatalogue {
  /** The emitted types, in the order they were defined. */
  readonly emittedTypes: readonly EmittedEventType[];
  /** Catalogue types that can be subscribed to but that nothing emits yet (no payload is promised for them). */
  readonly notYetEmittedTypes: readonly DomainEventType[];
  /** What webhook endpoints receive: the emitted types of the catalogue, and webhook.test (sent by the test route only). */
  readonly deliveredTypes: readonly EmittedEventType[];
  /** Emitted, but only over SSE. */
  readonly streamedOnlyTypes: readonly EmittedEventType[];

  constructor(
    private readonly definitions: EventDefinitions,
    /** Objects payloads embed, by the name of their schema, in the order they are documented. */
    readonly objects: Readonly<Record<string, EventObjectDefinition>>,
  ) {
    this.emittedTypes = Object.keys(definitions) as EmittedEventType[];
    const allTypes: DomainEventType[] = [...WEBHOOK_EVENT_TYPES, ...STREAM_ONLY_EVENT_TYPES];
    this.notYetEmittedTypes = allTypes.filter((type) => !this.isEmitted(type));
    const emitted = (types: readonly DomainEventType[]) => types.filter((type): type is EmittedEventType => this.isEmitted(type));
    this.deliveredTypes = emitted([...WEBHOOK_EVENT_TYPES, 'webhook.test']);
    this.streamedOnlyTypes = emitted(STREAM_ONLY_EVENT_TYPES.filter((type) => type !== 'webhook.test'));
  }

  isEmitted(type: string): type is EmittedEventType {
    return Object.prototype.hasOwnProperty.call(this.definitions, type);
  }

  schemaOf(type: EmittedEventType): z.ZodType {
    return this.definitions[type].schema;
  }

  describe(type: EmittedEventType): { summary: string; cause: string } {
    const { summary, cause } = this.definitions[type];
    return { summary, cause };
  }

  /** The example payload, as written. */
  example<T extends EmittedEventType>(type: T): PayloadOf<T> {
    return this.definitions[type].example;
  }

  /** The example as its schema parses it: checked, and with its fields in the schema's order. */
  exampleOf(type: EmittedEventType): unknown {
    return this.schemaOf(type).parse(this.example(type));
  }
}
