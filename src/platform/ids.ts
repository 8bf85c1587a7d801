import { randomFillSync } from 'node:crypto';
import { encodeTime, incrementBase32 } from 'ulid';

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

const ENCODING = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 16;
/** The characters a block's ids differ in (see newIdBlock): a block holds 32^4 = 1,048,576 ids. */
export const ID_BLOCK_DIGITS = 4;

function randomCharacters(length: number): string {
  let characters = '';
  for (let i = 0; i < length; i++) characters += ENCODING[Math.floor(randomFraction() * ENCODING.length)];
  return characters;
}

/**
 * Monotonic ULIDs, as ulid's monotonicFactory makes them (within one millisecond the random part counts up),
 * with blocks beside single ids.
 */
let lastTime = 0;
let lastRandom = '';

function nextUlid(): string {
  const now = Date.now();
  if (now <= lastTime) {
    lastRandom = incrementBase32(lastRandom);
  } else {
    lastTime = now;
    lastRandom = randomCharacters(RANDOM_LENGTH);
  }
  return encodeTime(lastTime, 10) + lastRandom;
}

/** Prefixed, time-ordered identifiers (`cus_01J…`): readable in logs, sortable for cursor pagination. */
export function newId(prefix: string): string {
  return `${prefix}_${nextUlid()}`;
}

/**
 * The head of a block of ids, for a statement that mints its rows' ids in SQL (rows it only finds there, such
 * as one webhook delivery per endpoint that wants an event): the head followed by any ID_BLOCK_DIGITS characters
 * (`idInBlockSql`) is an id of `prefix`, greater than every id minted before it in this process and less than
 * every one minted after, as if they had been minted one by one at this point.
 */
export function newIdBlock(prefix: string): string {
  const now = Date.now();
  const headLength = RANDOM_LENGTH - ID_BLOCK_DIGITS;
  let head: string;
  if (now <= lastTime) {
    head = incrementBase32(lastRandom.slice(0, headLength));
  } else {
    lastTime = now;
    head = randomCharacters(headLength);
  }
  // the next single id counts up from the block's last one
  lastRandom = head + ENCODING[ENCODING.length - 1].repeat(ID_BLOCK_DIGITS);
  return `${prefix}_${encodeTime(lastTime, 10)}${head}`;
}

/**
 * SQL for the id at `index` (an integer expression from 0) of the block whose head is `head` (a text expression):
 * the index in ID_BLOCK_DIGITS base-32 characters, the most significant first.
 */
export function idInBlockSql(head: string, index: string): string {
  const digits = Array.from({ length: ID_BLOCK_DIGITS }, (_, i) => {
    const shift = 5 * (ID_BLOCK_DIGITS - 1 - i);
    return `substr('${ENCODING}', (((${index})::int >> ${shift}) & 31) + 1, 1)`;
  });
  return `(${head}) || ${digits.join(' || ')}`;
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
