import { AccountRefusal } from '../protocol/account-ops';
import { GroupRefusal } from '../protocol/group-ops';
import { NewsletterRefusal } from '../protocol/newsletter-ops';

/**
 * Values crossing the control API's call route (`POST /call/<method>`) as JSON, without losing what JSON
 * cannot say: Buffers, Dates, undefined (distinct from null), Maps, Sets and non-finite numbers travel as
 * tagged objects `{ $t: kind, v }`. A plain object that happens to have a `$t` key is tagged too, so
 * decoding never mistakes data for a tag.
 */
type Tagged = { $t: string; v?: unknown };

export function encodeValue(value: unknown): unknown {
  if (value === undefined) return { $t: 'undefined' };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $t: 'number', v: String(value) };
  if (typeof value === 'bigint') return { $t: 'bigint', v: value.toString() };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $t: 'buffer', v: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return { $t: 'date', v: value.toISOString() };
  if (value instanceof Map) return { $t: 'map', v: [...value].map(([k, v]) => [encodeValue(k), encodeValue(v)]) };
  if (value instanceof Set) return { $t: 'set', v: [...value].map(encodeValue) };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object') {
    const fields = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeValue(v)]));
    return '$t' in value ? { $t: 'object', v: fields } : fields;
  }
  throw new TypeError(`a ${typeof value} cannot cross the control API`);
}

export function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  const tagged = value as Tagged;
  if (typeof tagged.$t !== 'string') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeValue(v)]));
  }
  switch (tagged.$t) {
    case 'undefined':
      return undefined;
    case 'number':
      return Number(tagged.v);
    case 'bigint':
      return BigInt(tagged.v as string);
    case 'buffer':
      return Buffer.from(tagged.v as string, 'base64');
    case 'date':
      return new Date(tagged.v as string);
    case 'map':
      return new Map((tagged.v as [unknown, unknown][]).map(([k, v]) => [decodeValue(k), decodeValue(v)]));
    case 'set':
      return new Set((tagged.v as unknown[]).map(decodeValue));
    case 'object':
      return Object.fromEntries(Object.entries(tagged.v as object).map(([k, v]) => [k, decodeValue(v)]));
    default:
      throw new TypeError(`unknown encoded value kind ${tagged.$t}`);
  }
}

/** An error as it crosses the API: its class name, message and own fields (a refusal's WhatsApp `code` and `text`). */
export interface EncodedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

/**
 * The simulator's errors a caller tells apart by class: rebuilt as instances of the same class on the other
 * side, so `instanceof GroupRefusal` holds for a remote refusal as for a local one.
 */
const ERROR_CLASSES: Record<string, (fields: Record<string, unknown>) => Error> = {
  GroupRefusal: (f) => new GroupRefusal(f.code as number, f.text as string),
  NewsletterRefusal: (f) => new NewsletterRefusal(f.code as number, f.text as string),
  AccountRefusal: (f) => new AccountRefusal(f.code as number, f.text as string),
};

export function encodeError(error: unknown): EncodedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields = Object.fromEntries(Object.entries(error).map(([k, v]) => [k, encodeValue(v)]));
  return { name: error.constructor.name, message: error.message, fields };
}

/** The error rebuilt: the same class for a known one, otherwise an Error with the same message and name. */
export function decodeError(encoded: EncodedError): Error {
  const fields = decodeValue(encoded.fields) as Record<string, unknown>;
  const known = ERROR_CLASSES[encoded.name];
  if (known) return known(fields);
  const error = new Error(encoded.message);
  if (encoded.name !== 'Error') error.name = encoded.name;
  return Object.assign(error, fields);
}
