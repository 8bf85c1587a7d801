import { ApiResponse, DECORATORS, type OpenAPIObject, type OperationObject } from '@nestjs/swagger';
import { ErrorEnvelope } from '../errors/error-envelope';
import { ErrorCode, ERROR_STATUS } from '../errors/error-codes';

/** Named groups of failures a route can answer with; each route lists the ones that apply. */
const GROUPS = {
  auth: ['auth_missing', 'auth_malformed', 'auth_invalid', 'auth_expired', 'rate_limited'],
  admin: ['auth_missing', 'auth_malformed', 'auth_invalid'],
  validation: ['invalid_request', 'bad_request'],
  not_found: ['not_found'],
  channel_scope: ['channel_scoped_key'],
  /**
   * Every route under a channel: none of this customer's (or not a channel id), a key scoped to another
   * channel, a key of the other mode. What a route needs of the channel adds to it (see ApiRoute's `needs`).
   */
  channel: ['channel_not_found', 'channel_scoped_key', 'channel_access_denied'],
  /** A body naming a channel (`channel_id`), checked as a channel route checks its channel. */
  channel_reference: ['channel_not_found', 'channel_access_denied'],
} satisfies Record<string, ErrorCode[]>;

export type ErrorGroup = keyof typeof GROUPS;

/** A code answered with another status than its usual one (AppError's `status`), e.g. `other` as 403 or 502. */
export interface ErrorAtStatus {
  code: ErrorCode;
  status: number;
}

export type ErrorItem = ErrorGroup | ErrorCode | ErrorAtStatus;

/** The statuses ApiErrorResponses documented on each handler, so that a later call replaces them. */
const documentedStatuses = new WeakMap<object, string[]>();

/**
 * Documents a route's error responses, all with the shared ErrorEnvelope schema. Takes group names, single
 * codes, or codes at a status of their own; codes sharing a status are listed together in that status'
 * description. Applied again to the same route, the new list replaces the one before (rather than adding a
 * second description to each status): ChannelController documents a route's answers again once its need adds
 * refusals to them.
 */
export function ApiErrorResponses(...items: ErrorItem[]): MethodDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  const add = (code: ErrorCode, status: number = ERROR_STATUS[code]) => {
    const listed = byStatus.get(status) ?? [];
    if (!listed.includes(code)) byStatus.set(status, [...listed, code]);
  };
  add('internal_error');
  // the database briefly unavailable (HttpErrorFilter): any route may answer it, with Retry-After
  add('internal_error', 503);
  for (const item of items) {
    if (typeof item === 'object') add(item.code, item.status);
    else if (item in GROUPS) GROUPS[item as ErrorGroup].forEach((code) => add(code));
    else add(item as ErrorCode);
  }
  const responses = [...byStatus.entries()].map(([status, list]) =>
    ApiResponse({ status, type: ErrorEnvelope, description: `Error codes: ${list.map((c) => `\`${c}\``).join(', ')}` }),
  );
  return (target, key, descriptor) => {
    const handler = descriptor.value as object;
    const previous = documentedStatuses.get(handler);
    if (previous) {
      const documented = { ...(Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) as Record<string, unknown>) };
      for (const status of previous) delete documented[status];
      Reflect.defineMetadata(DECORATORS.API_RESPONSE, documented, handler);
    }
    documentedStatuses.set(handler, [...byStatus.keys()].map(String));
    for (const response of responses) response(target, key, descriptor);
    return descriptor;
  };
}

const envelope = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } };

/**
 * Declares the refusals of a request body, on every operation that reads one: larger than BODY_LIMIT (413,
 * `bad_request`) or of a type, charset or encoding the route does not read (415, `unsupported_media_type`).
 * The JSON parser answers some of them before any route runs, so they are added to the document here rather
 * than listed by each route.
 */
export function declareBodyErrors(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as OperationObject[]) {
      if (!operation?.requestBody || !operation.responses) continue;
      operation.responses['413'] ??= { description: 'Error codes: `bad_request` (the body is larger than BODY_LIMIT)', content: envelope };
      operation.responses['415'] ??= { description: 'Error codes: `unsupported_media_type`', content: envelope };
    }
  }
}

/**
 * Declares the 400 refusals every operation can give, so that no route can forget them: an unknown query
 * parameter (every route refuses them, `invalid_request`), text that cannot be stored in a path parameter
 * (U+0000, an encoded lone surrogate: `invalid_request`), and an escape that does not decode (`%`, `%ZZ`:
 * `bad_request`, answered by the router before the route runs).
 */
export function declareRequestErrors(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as OperationObject[]) {
      if (!operation?.responses) continue;
      const hasPathParameter = (operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === 'path');
      const declared = operation.responses['400'] as { description?: string } | undefined;
      const listed =
        declared?.description
          ?.match(/Error codes: (.*)/)?.[1]
          ?.match(/`([a-z_]+)`/g)
          ?.map((c) => c.slice(1, -1)) ?? [];
      const codes = [...new Set([...listed, 'invalid_request', ...(hasPathParameter ? ['bad_request'] : [])])];
      operation.responses['400'] = { description: `Error codes: ${codes.map((c) => `\`${c}\``).join(', ')}`, content: envelope };
    }
  }
}
