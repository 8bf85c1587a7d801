/**
 * Values as JSON without losing what JSON cannot say: undefined (distinct from null), non-finite numbers,
 * bigints, Buffers and byte arrays, Dates, Maps and Sets travel as tagged objects `{ $t: kind, v }`. A plain
 * object that has a `$t` key of its own is tagged too (`object`), so decoding never mistakes data for a tag.
 *
 * One codec for the simulator's two uses, each adding kinds of its own through `TaggedKinds`: the control API's
 * calls (control/codec.ts) and the saved state (state/snapshot.ts: references, devices, state classes).
 */
export type Tagged = { $t: string; id?: number; c?: string; v?: unknown };

export type Encode = (value: unknown, at: string) => unknown;
export type Decode = (value: unknown) => unknown;

/** Marks a value a use's `decode` leaves to the common kinds. */
export const NOT_MINE: unique symbol = Symbol('not a kind of this use');

export interface TaggedKinds {
  /** What a function or a symbol cannot do, for the error: "cross the control API", "be saved". */
  purpose: string;
  /** The error on an unknown tag, before the tag: "unknown encoded value kind". */
  unknownKind: string;
  /** An object of this use's own kinds, tagged; NOT_MINE leaves it to the common kinds and plain fields. */
  encode?(value: object, at: string, encode: Encode): unknown;
  /** One of this use's own tags, decoded; NOT_MINE for a tag of the common kinds. */
  decode?(tagged: Tagged, decode: Decode): unknown;
}

export function taggedEncoder(kinds: TaggedKinds): Encode {
  const encode: Encode = (value, at) => {
    if (value === undefined) return { $t: 'undefined' };
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : { $t: 'number', v: String(value) };
    if (typeof value === 'bigint') return { $t: 'bigint', v: value.toString() };
    if (typeof value !== 'object') throw new TypeError(`a ${typeof value} cannot ${kinds.purpose} (at ${at})`);
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $t: 'buffer', v: Buffer.from(value).toString('base64') };
    if (value instanceof Date) return { $t: 'date', v: value.toISOString() };
    if (Array.isArray(value)) return value.map((item, i) => encode(item, `${at}[${i}]`));
    if (value instanceof Map) return { $t: 'map', v: [...value].map(([k, v]) => [encode(k, at), encode(v, `${at}.get(${String(k)})`)]) };
    if (value instanceof Set) return { $t: 'set', v: [...value].map((item) => encode(item, at)) };
    const own = kinds.encode ? kinds.encode(value, at, encode) : NOT_MINE;
    if (own !== NOT_MINE) return own;
    const fields = encodeFields(value, at, encode);
    return Object.hasOwn(fields, '$t') ? { $t: 'object', v: fields } : fields;
  };
  return encode;
}

/** An object's own fields, each encoded. */
export function encodeFields(value: object, at: string, encode: Encode): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, `${at}.${k}`)]));
}

export function taggedDecoder(kinds: TaggedKinds): Decode {
  const fieldsOf = (value: object) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  const decode: Decode = (value) => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(decode);
    const tagged = value as Tagged;
    if (typeof tagged.$t !== 'string') return fieldsOf(value);
    const own = kinds.decode ? kinds.decode(tagged, decode) : NOT_MINE;
    if (own !== NOT_MINE) return own;
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
        return new Map((tagged.v as [unknown, unknown][]).map(([k, v]) => [decode(k), decode(v)]));
      case 'set':
        return new Set((tagged.v as unknown[]).map(decode));
      case 'object':
        return fieldsOf(tagged.v as object);
      default:
        throw new TypeError(`${kinds.unknownKind} ${tagged.$t}`);
    }
  };
  return decode;
}
