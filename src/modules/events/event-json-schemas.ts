import { z } from 'zod';
import type { DomainEventType } from './domain-event';
import type { EventCatalogue } from './event-catalogue';

/** A JSON Schema (2020-12), as an OpenAPI 3.1 component. */
export type JsonSchema = Record<string, unknown>;

/** `message.received` → `MessageReceived`. */
export function pascalName(type: DomainEventType): string {
  return type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function payloadComponentName(type: DomainEventType): string {
  return `${pascalName(type)}Payload`;
}

/**
 * Zod schemas → JSON Schema 2020-12 component schemas that reference each other as `#/components/schemas/<name>`.
 * Only the names given here become components: ids other contracts set with `.meta({ id })` are ignored (they
 * name the REST components, under nestjs-zod's own names), so everything else is inlined. Objects do not say
 * `additionalProperties: false`: new fields may be added to events, and receivers must accept them.
 */
export function toComponentSchemas(named: Record<string, z.ZodType>): Record<string, JsonSchema> {
  const components = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(named)) components.add(schema, { id: name });
  // The converter reads only `get` of its metadata registry: descriptions from the global one, without ids.
  const metadata = z.registry<Record<string, unknown>>();
  metadata.get = ((schema: z.ZodType) => {
    const meta = z.globalRegistry.get(schema);
    if (!meta) return undefined;
    const { id: _id, ...rest } = meta;
    return rest;
  }) as typeof metadata.get;
  const { schemas } = z.toJSONSchema(components, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'throw',
    metadata,
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  });
  if ('__shared' in schemas) throw new Error('a schema was shared without a component name; add it to the named schemas');
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      return [name, rest];
    }),
  );
}

/**
 * The objects payloads embed (published once), then the payload schema of every emitted event type, with
 * `extra` schemas that use them.
 */
export function eventComponentSchemas(catalogue: EventCatalogue, extra: Record<string, z.ZodType> = {}): Record<string, JsonSchema> {
  const objects = Object.fromEntries(Object.entries(catalogue.objects).map(([name, object]) => [name, object.schema]));
  const payloads = Object.fromEntries(catalogue.emittedTypes.map((type) => [payloadComponentName(type), catalogue.schemaOf(type)]));
  return toComponentSchemas({ ...objects, ...payloads, ...extra });
}
