import fc from 'fast-check';

/**
 * fast-check arbitraries derived from the JSON Schemas of the published OpenAPI document: values that follow a
 * schema, values that break it on purpose, and the junk a client can put in a path segment or a query string.
 * Only the subset of JSON Schema the document uses is understood ($ref, object/properties/required, strings with
 * enum/const/pattern/format/lengths, integer/number with bounds, boolean, array, oneOf/anyOf, type arrays for
 * nullable); anything else falls back to an arbitrary JSON value.
 */

export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
};

/** Real values for a property or parameter, by name (`channel_id` → the ids created for the run). */
export type Hints = Record<string, fc.Arbitrary<unknown> | undefined>;

const MAX_DEPTH = 4;
/** fc.integer's own bounds. */
const INT32 = 2 ** 31 - 1;

/** Strings that have broken parsers before: control bytes, lone surrogates, bidi marks, emoji, huge ones. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u202e',
    '👍🏽',
    'null',
    'undefined',
    '-1',
    '0',
    '1e309',
    '%00',
    '../../etc/passwd',
    "' OR 1=1 --",
    '{"a":1}',
    '\r\n',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  // Long, but with the rest of a request under Node's 16 KB header limit (past it Node answers 431 itself).
  fc.nat({ max: 4_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers past every bound a schema sets: JS edge values, floats where integers go, out-of-range ints. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    0.5,
    -0.0,
    1e21,
    -1e21,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_SAFE_INTEGER - 2,
    1.7976931348623157e308,
    5e-324,
    2 ** 31,
    2 ** 63,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export class SchemaArbitraries {
  constructor(private readonly components: Record<string, Schema>) {}

  resolve(schema: Schema | undefined): Schema {
    let s = schema ?? {};
    for (let i = 0; i < 10 && s.$ref; i++) s = this.components[s.$ref.split('/').pop()!] ?? {};
    return s;
  }

  /** A value the schema accepts (as far as this subset goes), with real values where a hint names the field. */
  valid(raw: Schema | undefined, hints: Hints = {}, name?: string, depth = 0): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    const hint = name ? hints[name] : undefined;
    const generated = this.validOf(schema, hints, depth);
    return hint ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: generated }) : generated;
  }

  private validOf(schema: Schema, hints: Hints, depth: number): fc.Arbitrary<unknown> {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives?.length) return fc.oneof(...alternatives.map((s) => this.valid(s, hints, undefined, depth + 1)));
    if (schema.allOf?.length) return this.valid(schema.allOf[0], hints, undefined, depth + 1);
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ['object'] : [];
    if (types.length > 1) return fc.oneof(...types.map((type) => this.validOf({ ...schema, type }, hints, depth)));
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({
          min: Math.max(Math.ceil(lower(schema) ?? -1_000_000), -INT32),
          max: Math.min(Math.floor(upper(schema) ?? 1_000_000), INT32),
        });
      case 'number':
        return fc.double({ min: lower(schema) ?? -1e6, max: upper(schema) ?? 1e6, noNaN: true, noDefaultInfinity: true });
      case 'string':
        return this.string(schema);
      case 'array': {
        const min = schema.minItems ?? 0;
        const max = Math.min(schema.maxItems ?? min + 3, min + 3);
        return depth >= MAX_DEPTH
          ? fc.constant([])
          : fc.array(this.valid(schema.items, hints, undefined, depth + 1), { minLength: min, maxLength: max });
      }
      case 'object':
        return this.object(schema, hints, depth);
      default:
        return depth >= MAX_DEPTH ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
    }
  }

  private object(schema: Schema, hints: Hints, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const properties = schema.properties ?? {};
    if (depth >= MAX_DEPTH || Object.keys(properties).length === 0)
      return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, value] of Object.entries(properties)) record[key] = this.valid(value, hints, key, depth + 1);
    return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
  }

  private string(schema: Schema): fc.Arbitrary<string> {
    const minLength = schema.minLength ?? 0;
    const maxLength = Math.min(schema.maxLength ?? 40, Math.max(minLength, 40));
    switch (schema.format) {
      case 'date-time':
        return fc
          .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
          .map((d) => d.toISOString());
      case 'uri':
        return fc.webUrl();
      case 'uuid':
        return fc.uuid();
      case 'email':
        return fc.emailAddress();
    }
    if (schema.pattern) {
      try {
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length >= minLength && (schema.maxLength === undefined || s.length <= schema.maxLength));
      } catch {
        // A pattern fast-check cannot read: plain strings still exercise the validator.
      }
    }
    return fc.string({ minLength, maxLength });
  }

  /** A value of the wrong kind for the schema: wrong types, values past its bounds, nasty strings. */
  invalid(raw: Schema | undefined): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    const out: fc.Arbitrary<unknown>[] = [fc.constantFrom(null, true, [], {}, [[[]]], 'true', '', 0), nastyNumber, nastyString];
    if (schema.minLength) out.push(fc.string({ maxLength: schema.minLength - 1 }));
    if (schema.maxLength !== undefined) out.push(fc.constant('y'.repeat(schema.maxLength + 1)));
    if (schema.minimum !== undefined) out.push(fc.constant(schema.minimum - 1));
    if (schema.maximum !== undefined) out.push(fc.constant(schema.maximum + 1));
    if (schema.enum) out.push(fc.constant(`${String(schema.enum[0])}_not_listed`));
    return fc.oneof(...out);
  }

  /**
   * A JSON body for a request schema: mostly valid-shaped, else one of the ways clients get it wrong (a required
   * field missing, a field of the wrong type, an unknown key, a deeply nested value, a non-object body).
   */
  body(raw: Schema | undefined, hints: Hints): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    const valid = this.valid(schema, hints);
    const mutated = valid.chain((value) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return fc.constant(value);
      const object = value as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(object), ...Object.keys(this.propertiesOf(schema))])];
      if (keys.length === 0) return fc.constant({ ...object, unexpected: 'extra' });
      return fc.oneof(
        fc.constantFrom(...keys).map((key) => withoutKey(object, key)),
        fc.constantFrom(...keys).chain((key) => this.invalid(this.propertiesOf(schema)[key]).map((bad) => ({ ...object, [key]: bad }))),
        fc
          .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
          .map(([key, extra]) => ({ ...object, [key]: extra })),
        fc.constantFrom(...keys).chain((key) => fc.nat({ max: 2_000 }).map((n) => ({ ...object, [key]: deepNest(n) }))),
      );
    });
    return fc.oneof(
      { weight: 4, arbitrary: valid },
      { weight: 4, arbitrary: mutated },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], 'text', 42, true, {}, [{}]) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    );
  }

  /** Properties of an object schema, or the union of those of its alternatives. */
  propertiesOf(raw: Schema | undefined): Record<string, Schema> {
    const schema = this.resolve(raw);
    const alternatives = schema.oneOf ?? schema.anyOf ?? [];
    return Object.assign({}, ...alternatives.map((s) => this.propertiesOf(s)), schema.properties ?? {});
  }
}

/**
 * A path segment as sent on the wire: a real id, an id of the wrong kind, or junk (blank-ish, very long,
 * unicode, percent-encoded bytes including %00, %2F and broken escapes).
 */
export function pathSegment(real: string[], wrongKind: string[]): fc.Arbitrary<string> {
  const raw = fc.constantFrom(
    '%00',
    '%25',
    '%2F',
    '%2e%2e',
    '..',
    '.',
    '%',
    '%ZZ',
    '%C0%AF',
    '%FF',
    '%ED%A0%80',
    'a%00b',
    '%20',
    '+',
    '~',
    ';x=1',
    'a:b',
    '@',
  );
  const encoded = fc
    .oneof(
      nastyString.filter((s) => s.length > 0),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      fc.uuid(),
      fc.constantFrom('0', '-1', 'null', '00000000-0000-4000-8000-000000000000'),
    )
    .map(encodeSegment);
  const arbitraries: Array<{ weight: number; arbitrary: fc.Arbitrary<string> }> = [
    { weight: 2, arbitrary: raw },
    { weight: 3, arbitrary: encoded },
  ];
  if (real.length) arbitraries.push({ weight: 6, arbitrary: fc.constantFrom(...real).map(encodeSegment) });
  if (wrongKind.length) arbitraries.push({ weight: 2, arbitrary: fc.constantFrom(...wrongKind).map(encodeSegment) });
  return fc.oneof(...arbitraries);
}

/** A raw query-string value: encoded values, or undecodable escapes and repeated keys left as they are. */
export function queryValue(arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: arbitrary.map((v) => encodeSegment(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%00', '%ED%A0%80', '', 'a&b', '[]') },
  );
}

/**
 * Percent-encodes the UTF-8 bytes of a string; unlike encodeURIComponent it does not throw on a lone surrogate
 * (Buffer turns it into U+FFFD, as a client's encoder would).
 */
export function encodeSegment(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8'))
    out += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** A header value Node will send: latin1 bytes of the UTF-8 text, control characters removed. */
export function headerValue(value: string): string {
  return Buffer.from(value, 'utf8')
    .toString('latin1')
    .replace(/[\x00-\x1f\x7f]/g, '');
}

function lower(schema: Schema): number | undefined {
  return schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1e-6 : schema.minimum;
}

function upper(schema: Schema): number | undefined {
  return schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1e-6 : schema.maximum;
}

function withoutKey(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = object;
  return rest;
}

function deepNest(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}
