import { AccountRefusal } from '../protocol/account-ops';
import { GroupRefusal } from '../protocol/group-ops';
import { NewsletterRefusal } from '../protocol/newsletter-ops';
import { taggedDecoder, taggedEncoder } from '../tagged-values';

/** Values crossing the control API's call route (`POST /call/<method>`) as JSON: the common tagged kinds only. */
const KINDS = { purpose: 'cross the control API', unknownKind: 'unknown encoded value kind' };
const encode = taggedEncoder(KINDS);
export const decodeValue = taggedDecoder(KINDS);

export function encodeValue(value: unknown): unknown {
  return encode(value, 'value');
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
