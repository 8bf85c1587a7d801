import type { z } from 'zod';
import type { DomainEventType } from './domain-event';

/**
 * The payload of every event type something emits, by type. Empty here on purpose: each module that publishes
 * events declares its own in its `<module>.events.ts`, by declaration merging, so that this module imports none
 * of them and producers are still typed against the payload of each type:
 *
 *   export const CHAT_EVENTS = defineEvents({ 'chat.updated': { schema, summary, cause, example }, … });
 *   declare module '../events/event-payloads' {
 *     interface EventPayloads extends PayloadsOf<typeof CHAT_EVENTS> {}
 *   }
 *
 * A type of the catalogue (domain-event.ts) that no module declares has no payload and cannot be published.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' declarations
export interface EventPayloads {}

/** Event types something emits: those a module declared a payload for. */
export type EmittedEventType = keyof EventPayloads & DomainEventType;

/** The payload of an event type; `never` for a type nothing emits yet, so it cannot be published by mistake. */
export type PayloadOf<T extends DomainEventType> = T extends keyof EventPayloads ? EventPayloads[T] : never;

/** What a module says of one event type it emits: the public contract of its payload, documented. */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** The payload's schema. Changing it changes the public API (OpenAPI `webhooks`, docs/webhooks.md). */
  schema: S;
  /** What the event means, for the reference documentation. */
  summary: string;
  /** What its correlation id (X-WhatIsUp-Correlation-Id) names: the request that causes it, if any. */
  cause: string;
  /** A payload as the schema reads it, shown in the documentation and used by tests. */
  example: z.input<S>;
}

/** A module's event definitions, each example typed by its own schema. */
export function defineEvents<S extends { [T in DomainEventType]?: z.ZodType }>(definitions: {
  [T in keyof S]: EventDefinition<Extract<S[T], z.ZodType>>;
}): { [T in keyof S]: EventDefinition<Extract<S[T], z.ZodType>> } {
  return definitions;
}

/** The payload types of a module's definitions, for its `EventPayloads` declaration. */
export type PayloadsOf<D> = { [T in keyof D]: D[T] extends EventDefinition<infer S> ? z.input<S> : never };

/** An object several payloads embed, published once as a named schema of its own. */
export interface EventObjectDefinition {
  schema: z.ZodType;
  /** The heading of its section in docs/webhooks.md, and the anchor payload tables link to. */
  title: string;
  anchor: string;
  intro: string;
}
