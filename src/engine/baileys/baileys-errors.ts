import { AppError, type AppErrorOptions } from '../../platform/errors/app-error';
import type { ErrorCode } from '../../platform/errors/error-codes';

/**
 * The one table from WhatsApp's failures to the API's stable codes. WhatsApp answers a refused request with an
 * IQ error (`<error code="404" text="item-not-found"/>`), which Baileys raises as a Boom carrying that code;
 * a socket that goes away under a request raises a Boom with a close code. The public code list is fixed, so
 * the specifics travel in `details.reason` (machine-readable) beside WhatsApp's own code and text.
 */
interface Mapping {
  code: ErrorCode;
  reason: string;
  status?: number;
  message: string;
}

const BY_STATUS: Record<number, Mapping> = {
  400: { code: 'invalid_request', reason: 'whatsapp_bad_request', message: 'WhatsApp refused the request as malformed.' },
  401: { code: 'channel_unavailable', reason: 'logged_out', message: 'The channel was logged out of WhatsApp.' },
  403: { code: 'other', status: 403, reason: 'whatsapp_forbidden', message: 'WhatsApp does not allow this account to do that.' },
  404: { code: 'not_found', reason: 'whatsapp_not_found', message: 'WhatsApp does not know what the request names.' },
  406: { code: 'invalid_request', reason: 'whatsapp_not_acceptable', message: 'WhatsApp refused the request as not acceptable.' },
  408: { code: 'channel_unavailable', reason: 'whatsapp_timeout', message: 'WhatsApp did not answer in time.' },
  409: {
    code: 'other',
    status: 409,
    reason: 'whatsapp_conflict',
    message: 'WhatsApp refused the request: it conflicts with the current state.',
  },
  428: { code: 'channel_unavailable', reason: 'connection_closed', message: 'The connection to WhatsApp closed during the request.' },
  429: { code: 'rate_limited', reason: 'whatsapp_rate_limited', message: 'WhatsApp is rate-limiting this account; retry later.' },
  440: {
    code: 'channel_unavailable',
    reason: 'connection_replaced',
    message: 'Another connection replaced this channel’s during the request.',
  },
  500: { code: 'other', status: 502, reason: 'whatsapp_error', message: 'WhatsApp failed to handle the request.' },
  503: { code: 'other', status: 502, reason: 'whatsapp_unavailable', message: 'WhatsApp is unavailable; retry later.' },
  515: { code: 'channel_unavailable', reason: 'connection_closed', message: 'The connection to WhatsApp restarted during the request.' },
};

/** Baileys rejects requests in flight with these texts when the socket ends (status 428 or none). */
const CONNECTION_GONE = /connection (closed|lost|terminated)|socket (closed|ended)/i;

/** The API's error for a failure of `operation` on WhatsApp's side; errors that are already AppErrors pass. */
export function toAppError(error: unknown, operation: string): AppError {
  if (error instanceof AppError) return error;
  const status = statusOf(error);
  const text = error instanceof Error ? error.message : String(error);
  const mapping =
    (status !== undefined ? BY_STATUS[status] : undefined) ??
    (CONNECTION_GONE.test(text) ? BY_STATUS[428] : undefined) ??
    (status !== undefined && status >= 500 ? BY_STATUS[500] : undefined) ??
    (status !== undefined && status >= 400 ? BY_STATUS[400] : undefined);
  if (!mapping) {
    // not WhatsApp's answer but a fault here: keep it an internal error, with its cause for the logs
    return new AppError('internal_error', `The operation ${operation} failed unexpectedly.`, { cause: error });
  }
  const options: AppErrorOptions = {
    details: { reason: mapping.reason, operation, ...(status !== undefined ? { whatsapp_status: status } : {}), whatsapp_text: text },
    cause: error,
    ...(mapping.status ? { status: mapping.status } : {}),
  };
  return new AppError(mapping.code, mapping.message, options);
}

/**
 * A Boom's status (Baileys' errors are Booms, read without importing it). A refused IQ is raised with WhatsApp's
 * code in `data` (and Boom's default 500 as its own status); other failures carry theirs in `output.statusCode`.
 */
function statusOf(error: unknown): number | undefined {
  const boom = error as { isBoom?: unknown; data?: unknown; output?: { statusCode?: unknown } } | null;
  if (typeof boom !== 'object' || boom === null || boom.isBoom !== true) return undefined;
  if (typeof boom.data === 'number' && boom.data >= 400 && boom.data < 600) return boom.data;
  const status = boom.output?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The error code of a refused IQ. Baileys raises it as a Boom whose `data` is WhatsApp's code (its own
 * status stays 500), so the code is read there; a Boom that carries its code as status passes as is.
 */
export function iqErrorCode(error: unknown): number | undefined {
  const boom = error as { isBoom?: unknown; data?: unknown } | null;
  if (typeof boom !== 'object' || boom === null || boom.isBoom !== true) return undefined;
  return typeof boom.data === 'number' && boom.data >= 400 ? boom.data : statusOf(error);
}

/** Group refusals in the gateway's terms (codes as whatsmeow reads them), with a machine-readable reason. */
const GROUP_REFUSALS: Record<number, Mapping> = {
  401: { code: 'other', status: 403, reason: 'not_admin', message: 'Only the group’s admins may do that.' },
  403: { code: 'other', status: 403, reason: 'not_member', message: 'The channel’s account is not a member of the group.' },
  404: { code: 'not_found', reason: 'group_not_found', message: 'WhatsApp knows no such group (or it has no such item).' },
  406: { code: 'invalid_request', reason: 'invite_invalid', message: 'WhatsApp does not know this invite code.' },
  410: { code: 'other', status: 410, reason: 'invite_revoked', message: 'The invite code was revoked.' },
};

/**
 * The API’s error for a refused group request. `conflictReason` says what a 409 means for this operation
 * (`already_member` when joining; otherwise WhatsApp's conflict as is).
 */
export function toGroupAppError(error: unknown, operation: string, conflictReason?: string): AppError {
  if (error instanceof AppError) return error;
  const code = iqErrorCode(error);
  const mapping =
    code === 409 && conflictReason
      ? { code: 'other' as const, status: 409, reason: conflictReason, message: 'The channel’s account is already a member of the group.' }
      : code !== undefined
        ? GROUP_REFUSALS[code]
        : undefined;
  if (!mapping) return toAppError(code !== undefined && code !== statusOf(error) ? asStatus(error, code) : error, operation);
  const text = error instanceof Error ? error.message : String(error);
  return new AppError(mapping.code, mapping.message, {
    details: { reason: mapping.reason, operation, whatsapp_status: code, whatsapp_text: text },
    cause: error,
    ...(mapping.status ? { status: mapping.status } : {}),
  });
}

/** The same failure with WhatsApp's code as its status, for the general table. */
function asStatus(error: unknown, status: number): unknown {
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode: status } });
}
