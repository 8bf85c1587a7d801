/**
 * The one rule for text the gateway stores: PostgreSQL cannot hold every JavaScript string.
 *
 * - U+0000: a `text` value cannot contain the NUL character at all, and `jsonb` refuses the `\u0000` escape.
 * - Lone UTF-16 surrogates (a high surrogate without its low half, or a low one alone): `jsonb` refuses the
 *   escape JSON.stringify writes for them, and no UTF-8 encoding carries them, so a `text` column would get
 *   U+FFFD silently instead.
 *
 * Text from API clients that breaks the rule is refused (the validation pipe answers invalid_request naming
 * the field); text from WhatsApp is never refused, it is made storable with `withStorableText` (each such
 * character becomes U+FFFD) where the engine hands it to the gateway, because inbound data is never dropped.
 */

// Without the `u` flag, a regular expression sees UTF-16 code units, which is what a lone surrogate is.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** What stands in for a character PostgreSQL cannot hold. */
export const REPLACEMENT_CHARACTER = '\ufffd';

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** The text with U+0000 and every lone surrogate replaced by U+FFFD; a well-formed pair is kept. */
export function toStorableText(value: string): string {
  return isStorableText(value) ? value : value.replace(UNSTORABLE_ALL, REPLACEMENT_CHARACTER);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * The path of the first string (or object key) in a JSON-like value that PostgreSQL cannot hold, or null.
 * Arrays and plain objects are walked; anything else (numbers, dates, buffers) holds no text to check.
 */
export function findUnstorableText(value: unknown, path: Array<string | number> = []): Array<string | number> | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findUnstorableText(value[index], [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) return [...path, key];
      const found = findUnstorableText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * A copy of the value in which every string (and object key) holds only storable text. Arrays and plain
 * objects are copied where something changed; functions, dates, buffers and other instances are kept as
 * they are. The value itself comes back when there is nothing to replace, which is the common case.
 */
export function withStorableText<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const storable = withStorableText(item);
      if (storable !== item) (copy ??= [...value])[index] = storable;
    });
    return (copy ?? value) as T;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const entries = Object.entries(value).map(([key, item]) => {
      const storableKey = toStorableText(key);
      const storable = withStorableText(item);
      if (storableKey !== key || storable !== item) changed = true;
      return [storableKey, storable] as const;
    });
    return (changed ? Object.fromEntries(entries) : value) as T;
  }
  return value;
}
