import { AppError } from '../../platform/errors/app-error';
import { ERROR_STATUS, type ErrorCode } from '../../platform/errors/error-codes';

/**
 * The wire form of a call's arguments and result between workers. JSON alone would turn a Buffer into
 * `{type, data}`, a Date into a string and drop `undefined` (ports tell changes apart with `'key' in change`,
 * so a present-but-undefined property matters). Every value that JSON cannot carry as itself is written as a
 * tagged object `{ $: tag, v }`; a plain object that happens to have a `$` key is tagged too, so decoding is
 * never ambiguous.
 */
type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

export function encodeValue(value: unknown): Encoded {
  if (value === undefined) return { $: 'undefined' };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $: 'number', v: String(value) };
  if (typeof value === 'bigint') return { $: 'bigint', v: value.toString() };
  if (value instanceof Date) return { $: 'date', v: Number.isNaN(value.getTime()) ? null : value.toISOString() };
  if (Buffer.isBuffer(value)) return { $: 'buffer', v: value.toString('base64') };
  if (value instanceof Uint8Array)
    return { $: 'bytes', v: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object') {
    const entries: Record<string, Encoded> = {};
    for (const [key, item] of Object.entries(value)) entries[key] = encodeValue(item);
    return '$' in entries ? { $: 'object', v: entries } : entries;
  }
  // functions and symbols have no meaning in another process: a port never takes or returns them
  throw new TypeError(`a ${typeof value} cannot be sent to another worker`);
}

export function decodeValue(value: Encoded): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (!('$' in value)) return decodeEntries(value);
  const v = value.v;
  switch (value.$) {
    case 'undefined':
      return undefined;
    case 'number':
      return Number(v);
    case 'bigint':
      return BigInt(v as string);
    case 'date':
      return new Date(v === null ? Number.NaN : (v as string));
    case 'buffer':
      return Buffer.from(v as string, 'base64');
    case 'bytes':
      return new Uint8Array(Buffer.from(v as string, 'base64'));
    case 'object':
      return decodeEntries(v as Record<string, Encoded>);
    default:
      throw new TypeError(`unknown tag ${JSON.stringify(value.$)} in a call from another worker`);
  }
}

function decodeEntries(value: Record<string, Encoded>): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) decoded[key] = decodeValue(item);
  return decoded;
}

/** An error as it crosses: an AppError keeps its code, status, message and details; anything else is internal. */
export interface EncodedError {
  code: ErrorCode;
  status: number;
  message: string;
  details?: Encoded;
}

export function encodeError(error: unknown, operation: string, workerId: string): EncodedError {
  if (error instanceof AppError) {
    return {
      code: error.code,
      status: error.status,
      message: error.message,
      ...(error.details !== undefined ? { details: encodeValue(error.details) } : {}),
    };
  }
  return {
    code: 'internal_error',
    status: ERROR_STATUS.internal_error,
    message: `The operation ${operation} failed unexpectedly on the worker holding the channel.`,
    details: { operation, worker_id: workerId },
  };
}

export function decodeError(error: EncodedError): AppError {
  return new AppError(error.code, error.message, {
    status: error.status,
    ...(error.details !== undefined ? { details: decodeValue(error.details) } : {}),
  });
}
