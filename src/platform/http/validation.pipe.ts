import type { ArgumentMetadata } from '@nestjs/common';
import { createZodValidationPipe } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { AppError } from '../errors/app-error';
import { findUnstorableText } from '../storable-text';

/** Zod validation of bodies, queries and params; failures are invalid_request with the issues in details. */
const ZodValidationPipe = createZodValidationPipe({
  createValidationException: (error: unknown) => {
    const issues = (error as ZodError).issues.map((issue) => ({
      path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
      code: issue.code,
      message: issue.message,
    }));
    const first = issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : 'request';
    return new AppError('invalid_request', `Invalid ${where}: ${first?.message ?? 'validation failed'}.`, { details: { issues } });
  },
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
