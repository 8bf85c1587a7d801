import type { EventCatalogue } from './event-catalogue';
import { eventComponentSchemas, JsonSchema, payloadComponentName } from './event-json-schemas';
import type { EmittedEventType, EventObjectDefinition } from './event-payloads';

/**
 * The "Event payloads" section of docs/webhooks.md, rendered from the event catalogue so the two cannot drift:
 * `node -r @swc-node/register scripts/docs/event-payloads.ts` rewrites it, and a spec fails while it is stale.
 */
export const EVENT_DOCS_START =
  '<!-- event-payloads:start (generated from the event catalogue, src/event-catalogue.ts; do not edit by hand) -->';
export const EVENT_DOCS_END = '<!-- event-payloads:end -->';

/** The objects payloads embed, by schema name: a field of one of them links to its section. */
type Objects = Readonly<Record<string, EventObjectDefinition>>;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeOf(schema: JsonSchema, objects: Objects): string {
  const inner = (s: JsonSchema) => typeOf(s, objects);
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop()!;
    const object = objects[name];
    return object ? `[${object.title.replace(/^The /, '')}](#${object.anchor})` : name;
  }
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(inner).join(' | ');
  if (Array.isArray(schema.oneOf)) {
    const branches = schema.oneOf as JsonSchema[];
    const kinds = branches.map((branch) => (branch.properties as Record<string, JsonSchema> | undefined)?.type?.const);
    if (kinds.every((kind) => typeof kind === 'string'))
      return `object, by \`type\`: ${kinds.map((kind) => `\`${String(kind)}\``).join(', ')}`;
    return branches.map(inner).join(' | ');
  }
  if ('const' in schema) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map((value) => `\`${String(value)}\``).join(', ');
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  return types
    .map((type) => {
      if (type === 'array') return `array of ${inner(schema.items as JsonSchema)}`;
      if (type === 'string' && typeof schema.format === 'string') return `string (${schema.format})`;
      return type ?? 'any';
    })
    .join(' | ');
}

/** One row per field; fields of inline objects follow their parent as `parent.field`. */
function rows(schema: JsonSchema, objects: Objects, prefix = ''): string[] {
  const object = (Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]).find((s) => s.type === 'object') : schema) ?? schema;
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const description = [required.has(name) ? '' : 'Optional.', typeof field.description === 'string' ? field.description : '']
      .filter(Boolean)
      .join(' ');
    const row = `| \`${path}\` | ${cell(typeOf(field, objects))} | ${cell(description)} |`;
    const nested = (Array.isArray(field.anyOf) ? (field.anyOf as JsonSchema[]) : [field]).find((s) => s.type === 'object' && s.properties);
    return nested ? [row, ...rows(nested, objects, `${path}.`)] : [row];
  });
}

function table(schema: JsonSchema, objects: Objects): string[] {
  return ['| Field | Type | Description |', '|---|---|---|', ...rows(schema, objects)];
}

function eventSection(catalogue: EventCatalogue, type: EmittedEventType, schemas: Record<string, JsonSchema>, note = ''): string[] {
  const { summary, cause } = catalogue.describe(type);
  return [
    `### \`${type}\`${note}`,
    '',
    summary,
    '',
    `Correlation id: ${cause}`,
    '',
    ...table(schemas[payloadComponentName(type)], catalogue.objects),
    '',
    '```json',
    JSON.stringify(catalogue.exampleOf(type), null, 2),
    '```',
    '',
  ];
}

export function renderEventPayloadDocs(catalogue: EventCatalogue): string {
  const schemas = eventComponentSchemas(catalogue);
  const lines = [
    EVENT_DOCS_START,
    '',
    'The `payload` of each event type. The OpenAPI document (`/openapi.json`) publishes the same schemas in its',
    '`webhooks` section, one entry per event type with the envelope above around its payload. New fields may be',
    'added to a payload within an `api_version`: ignore the ones you do not know.',
    '',
    'Every message event names its message `message_id` (its `id` in the messages API) and its chat `chat_id`.',
    '`X-WhatIsUp-Correlation-Id` (and `correlation_id` in the deliveries API) is the request id of the API call',
    'that caused the event, when there was one.',
    '',
    'Two more event types are streamed over SSE (`GET /v1/events`, `GET /v1/channels/{channelId}/events`) and never POSTed',
    `to webhook endpoints: ${catalogue.streamedOnlyTypes.map((type) => `\`${type}\``).join(' and ')}. SSE frames carry the same payloads.`,
    '',
    ...catalogue.deliveredTypes.flatMap((type) => eventSection(catalogue, type, schemas)),
    ...catalogue.streamedOnlyTypes.flatMap((type) => eventSection(catalogue, type, schemas, ' (SSE only)')),
    '### Not emitted yet',
    '',
    `${catalogue.notYetEmittedTypes.map((type) => `\`${type}\``).join(', ')}: part of the catalog, so endpoints can`,
    'subscribe to them, but nothing emits them yet. They arrive with the presence and calls modules, and',
    'their payloads will be documented here then.',
    '',
    ...Object.entries(catalogue.objects).flatMap(([name, object]) => [
      `### ${object.title}`,
      '',
      object.intro,
      '',
      ...table(schemas[name], catalogue.objects),
      '',
    ]),
    EVENT_DOCS_END,
  ];
  return lines.join('\n');
}

/** `markdown` with its generated section replaced by a fresh rendering of the catalogue. */
export function withEventPayloadDocs(markdown: string, catalogue: EventCatalogue): string {
  const start = markdown.indexOf(EVENT_DOCS_START);
  const end = markdown.indexOf(EVENT_DOCS_END);
  if (start < 0 || end < start) throw new Error(`the document has no ${EVENT_DOCS_START} … ${EVENT_DOCS_END} section`);
  return markdown.slice(0, start) + renderEventPayloadDocs(catalogue) + markdown.slice(end + EVENT_DOCS_END.length);
}
