import type { ArgumentMetadata } from '@nestjs/common';
import { createZodValidationPipe } from 'nestjs-zod';
import type { ZodError, ZodType } from 'zod';
import { AppError } from '../errors/app-error';
import { findUnstorableText } from '../storable-text';
import { invalidRequest } from './parse';

/** Zod validation of bodies, queries and params; failures are invalid_request with the issues in details. */
const ZodValidationPipe = createZodValidationPipe({
  createValidationException: (error: unknown) => invalidRequest(error as ZodError),
});

const ACCEPTS_UNSTORABLE_TEXT = Symbol('acceptsUnstorableText');

/**
 * Marks a body type whose text is not stored as sent, so the storable-text check leaves it alone: the
 * sandbox's simulated contact, whose message travels over the simulated WhatsApp network and is made
 * storable on arrival like any inbound message. Nothing a client sends for storage may carry it.
 */
export function AcceptsUnstorableText(): ClassDecorator {
  return (target) => {
    Object.defineProperty(target, ACCEPTS_UNSTORABLE_TEXT, { value: true });
  };
}

function acceptsUnstorableText(metatype: ArgumentMetadata['metatype']): boolean {
  return Boolean(metatype && (metatype as unknown as Record<symbol, unknown>)[ACCEPTS_UNSTORABLE_TEXT]);
}

export class AppValidationPipe extends ZodValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // A POST without a body (no Content-Type, nothing sent) reaches the pipe as `undefined`. It is read as an
    // empty object, so a route whose fields are all optional works with a bare `curl -X POST`, and a route with
    // required fields names the missing ones instead of "expected object".
    const input = metadata.type === 'body' && value === undefined ? {} : value;
    assertStorableText(input, metadata);
    assertKnownQueryParameters(input, metadata);
    return super.transform(input, metadata);
  }
}

/**
 * Every string a client sends in a body, a query or a path parameter, whatever the route and whether or not
 * its contract declares the field, must be text PostgreSQL can hold (see storable-text.ts): U+0000 in a
 * channel name or `%00` in an id would otherwise fail deep in a query as a 500, or vanish from an audit row.
 * The check lives here, in the one pipe every route's input passes through, rather than as a refinement on
 * each contract's string fields, so that a new module or a new field is covered without anyone remembering
 * to opt in; only a body type marked with `@AcceptsUnstorableText()` is exempt.
 */
function assertStorableText(value: unknown, metadata: ArgumentMetadata): void {
  if (metadata.type !== 'body' && metadata.type !== 'query' && metadata.type !== 'param') return;
  if (acceptsUnstorableText(metadata.metatype)) return;
  const found = findUnstorableText(value, metadata.data ? [metadata.data] : []);
  if (!found) return;
  const where = found.length > 0 ? found.join('.') : metadata.type;
  const message = 'contains U+0000 or an unpaired UTF-16 surrogate, which cannot be stored';
  throw new AppError('invalid_request', `Invalid ${where}: ${message}.`, {
    details: { issues: [{ path: found, code: 'invalid_characters', message }] },
  });
}

/** The zod schema nestjs-zod keeps on a DTO class, when it is an object schema. */
function objectShapeOf(metatype: ArgumentMetadata['metatype']): Record<string, ZodType> | undefined {
  const schema = (metatype as { schema?: ZodType } | undefined)?.schema;
  const def = schema?._zod?.def as { type?: string; shape?: Record<string, ZodType> } | undefined;
  return def?.type === 'object' ? def.shape : undefined;
}

/** Whether a field's schema, under its optional/default/preprocess wrappers, takes a list. */
function takesList(field: ZodType): boolean {
  let def = field._zod.def as { type: string; innerType?: ZodType; in?: ZodType; out?: ZodType };
  for (;;) {
    const inner = def.innerType ?? (def.type === 'pipe' ? (def.in?._zod.def.type === 'transform' ? def.out : def.in) : undefined);
    if (!inner) return def.type === 'array' || def.type === 'tuple';
    def = inner._zod.def;
  }
}

/**
 * A query is held to its contract's fields, once for every route: a misspelt parameter (`?limti=5`) or a
 * bracketed one (`?type[]=text`, which the query parser keeps as a key of its own) would otherwise be dropped
 * silently and the client would get an unfiltered list that looks like an answer. A parameter given twice
 * (`?type=a&type=b`) arrives as a list, which only a field declared as a list may take. Zod's object schemas
 * strip unknown keys, so this is checked here, on the raw query, rather than by making each contract strict.
 */
function assertKnownQueryParameters(value: unknown, metadata: ArgumentMetadata): void {
  if (metadata.type !== 'query' || metadata.data || typeof value !== 'object' || value === null) return;
  const shape = objectShapeOf(metadata.metatype);
  if (!shape) return;
  for (const [name, given] of Object.entries(value)) {
    const field = Object.hasOwn(shape, name) ? shape[name] : undefined;
    if (!field) {
      const bracketed = /[[\]]/.test(name);
      const message = bracketed
        ? `unknown query parameter; give ${name.replace(/\[.*$/, '')} once, as name=value`
        : `unknown query parameter; this route takes ${Object.keys(shape).join(', ') || 'none'}`;
      throw new AppError('invalid_request', `Invalid ${name}: ${message}.`, {
        details: { issues: [{ path: [name], code: 'unrecognized_keys', message }] },
      });
    }
    if (typeof given !== 'string' && !takesList(field)) {
      const message = 'must be given once, as name=value';
      throw new AppError('invalid_request', `Invalid ${name}: ${message}.`, {
        details: { issues: [{ path: [name], code: 'invalid_type', message }] },
      });
    }
  }
}
