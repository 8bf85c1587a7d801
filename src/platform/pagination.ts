import { z } from 'zod';
import { AppError } from './errors/app-error';

/**
 * A whole number in a query string, written in decimal digits only. `z.coerce.number()` hands the text to
 * `Number()`, which also reads `0x10`, `1e2`, ` 5` and `` (as 0): a typo or a probe would become a page size.
 * Digits are converted here and anything else is left as text for the number schema to refuse.
 */
export function queryInteger(min: number, max: number, fallback: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value),
    z
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a decimal integer' : undefined) })
      .int()
      .min(min)
      .max(max)
      .default(fallback),
  );
}

/**
 * Cursor pagination over time-ordered ids: newest first, `starting_after` semantics. The cursor is opaque
 * (base64url JSON) so its content can change without breaking clients; it stays valid while rows are inserted.
 */
export const pageQuerySchema = z.object({
  limit: queryInteger(1, 100, 20).describe('Page size, 1 to 100 (default 20).'),
  cursor: z.string().min(1).max(512).optional().describe('The `next_cursor` of the previous page.'),
});

export type PageQuery = z.infer<typeof pageQuerySchema>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page.'),
  });
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ b: lastId })).toString('base64url');
}

/**
 * The key to continue before, or undefined for the first page. A cursor we did not mint is invalid_request:
 * its content must be a key of the list being paged (`isKey`: an id of its prefix, a UUID, a JID), so a
 * forged one never reaches a query (a non-UUID compared with a uuid column, U+0000 in a text one).
 */
export function decodeCursor(cursor: string | undefined, isKey: (key: string) => boolean): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { b?: unknown };
    if (typeof parsed.b === 'string' && isKey(parsed.b)) return parsed.b;
  } catch {
    // fall through
  }
  throw new AppError('invalid_request', 'The cursor is not valid; use the next_cursor of a previous page.', {
    details: { issues: [{ path: ['cursor'], code: 'invalid_cursor', message: 'invalid cursor' }] },
  });
}

/**
 * Rows were fetched with take = limit + 1: the extra row only says whether another page exists. The cursor
 * is the key of the page's last row: its id, or what `cursorOf` reads (a chat's or a contact's JID).
 */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T>;
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, cursorOf: (row: R) => string): Page<T>;
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, cursorOf = (row: R) => (row as { id: string }).id): Page<T> {
  const pageRows = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return {
    data: pageRows.map(map),
    has_more: hasMore,
    next_cursor: hasMore ? encodeCursor(cursorOf(pageRows[pageRows.length - 1])) : null,
  };
}

/** Who a customer-wide list is read for: an API key's customer and mode, and its channel when it is scoped to one. */
export interface ListScope {
  customerId: string;
  mode: 'live' | 'test';
  channelId: string | null;
}

/**
 * The arguments of a newest-first list of a customer's rows shown to a key (audit events, webhook endpoints,
 * support tickets): the key's customer and mode, its channel when it is scoped to one, and the page asked for.
 */
export function scopedListArgs(scope: ListScope, query: PageQuery, isKey: (key: string) => boolean) {
  return {
    customerId: scope.customerId,
    mode: scope.mode,
    channelId: scope.channelId ?? undefined,
    before: decodeCursor(query.cursor, isKey),
    take: query.limit + 1,
  };
}

/**
 * A copy of an object schema without its OpenAPI id, for use as a DTO's top-level schema: nestjs-zod names
 * a DTO after its class, and the same id at top level and nested in a page would collide.
 */
export function topLevel<T extends z.ZodRawShape>(schema: z.ZodObject<T>): z.ZodObject<T> {
  return z.object(schema.shape);
}
