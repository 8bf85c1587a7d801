import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * ulid's own random source asks the system for one byte per character (16 calls an id); this one draws the
 * same kind of bytes from a pool filled 4 KiB at a time, on ulid's scale (a byte over 256: each of the 32
 * characters equally likely).
 */
const pool = Buffer.alloc(4096);
let taken = pool.length;
export function randomFraction(): number {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  return pool[taken++] / 256;
}

const nextUlid = monotonicFactory(randomFraction);

/** Prefixed, time-ordered identifiers (`cus_01J…`): readable in logs, sortable for cursor pagination. */
export function newId(prefix: string): string {
  return `${prefix}_${nextUlid()}`;
}

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const shapes = new Map<string, RegExp>();

/**
 * Whether a value a client sent has the shape of an id minted by `newId(prefix)`. Anything else names no
 * resource: services answer it as not found without a query, and cursors holding it are refused.
 */
export function isIdOf(prefix: string, value: string): boolean {
  let shape = shapes.get(prefix);
  if (!shape) shapes.set(prefix, (shape = new RegExp(`^${prefix}_${ULID}$`)));
  return shape.test(value);
}

/** `isIdOf` as a predicate, for `decodeCursor`. */
export function idOf(prefix: string): (value: string) => boolean {
  return (value) => isIdOf(prefix, value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Channel ids are UUIDs (stored lowercase); the database refuses anything else in a uuid column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
