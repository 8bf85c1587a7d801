/**
 * The stable error codes of the public API, with the HTTP status each one answers with.
 * Clients match on these codes; never rename one. Messages may change, codes may not.
 */
export const ERROR_STATUS = {
  auth_missing: 401,
  auth_invalid: 401,
  auth_malformed: 401,
  auth_expired: 401,
  auth_no_email: 403,
  channel_not_found: 404,
  channel_access_denied: 403,
  channel_unavailable: 409,
  channel_scoped_key: 403,
  invalid_lifecycle_transition: 409,
  pair_code_unavailable: 409,
  pair_code_failed: 502,
  no_qr: 409,
  not_disabled: 409,
  concurrent_modification: 409,
  plan_channel_limit: 403,
  /** A key asked to create a key broader than itself: another mode, or one that outlives it. */
  key_scope_exceeded: 403,
  rate_limited: 429,
  worker_at_capacity: 503,
  webhook_endpoint_not_found: 404,
  media_gone: 410,
  invalid_request: 400,
  not_found: 404,
  bad_request: 400,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  no_op: 409,
  /** A WhatsApp Business feature (labels) asked of a channel linked to a personal WhatsApp account. */
  not_business_account: 409,
  other: 400,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
