import type { HeaderObject, OpenAPIObject, OperationObject, ReferenceObject } from '@nestjs/swagger';

const integer = { type: 'integer', minimum: 0 } as const;

/** The headers the gateway sets itself (request-id middleware, rate-limit guard); names as they are sent. */
const HEADERS: Record<string, HeaderObject> = {
  'X-Request-Id': {
    description:
      'The id of this request: the X-Request-Id the client sent when it was usable, else a new one. Error bodies repeat it as `request_id`.',
    required: true,
    schema: { type: 'string' },
  },
  'X-RateLimit-Limit': { description: "The key's bucket size: the most requests it can make in a burst.", required: true, schema: integer },
  'X-RateLimit-Remaining': { description: 'Requests the key can make right now.', required: true, schema: integer },
  'X-RateLimit-Reset': { description: 'Seconds until the bucket is full again.', required: true, schema: integer },
  'Retry-After': { description: 'Seconds until the key can make its next request.', required: true, schema: integer },
};

const RATE_LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

/**
 * Declares the headers every response carries, as components referenced from each response:
 * - `X-Request-Id` on every response (the request-id middleware runs before anything can answer);
 * - the `X-RateLimit-*` budget on responses to API-key operations, written by the rate-limit guard right after
 *   authentication: not on 401 (authentication failed first), and not always on 400, 413, 415 and 5xx (the JSON
 *   parser refuses a body, and an internal error can happen, before the guard ran), where they are optional;
 * - `Retry-After` on 429.
 */
export function declareResponseHeaders(document: OpenAPIObject, apiKeyScheme: string): void {
  document.components = { ...document.components, headers: { ...document.components?.headers, ...HEADERS } };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as OperationObject[]) {
      if (!operation?.responses) continue;
      const rateLimited = (operation.security ?? []).some((requirement) => apiKeyScheme in requirement);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response || '$ref' in response) continue;
        const headers: Record<string, HeaderObject | ReferenceObject> = { 'X-Request-Id': ref('X-Request-Id') };
        if (rateLimited && status !== '401') {
          const always = !['400', '413', '415'].includes(status) && !status.startsWith('5');
          for (const name of RATE_LIMIT_HEADERS) {
            headers[name] = always
              ? ref(name)
              : {
                  ...HEADERS[name],
                  required: false,
                  description: `${HEADERS[name].description} Absent when the request was refused before authentication.`,
                };
          }
        }
        if (status === '429') headers['Retry-After'] = ref('Retry-After');
        response.headers = { ...headers, ...response.headers };
      }
    }
  }
}
