import { storage } from 'nestjs-pino/storage';

/**
 * Runs `work`, and everything it schedules, outside the request being served: no request logger, so its log
 * lines carry no request_id.
 *
 * nestjs-pino keeps each request's logger in an AsyncLocalStorage, and async context follows every callback
 * created under it. A WhatsApp socket opened while serving `connect` would otherwise hand that request's
 * context to each of its events for the life of the session: days of received messages logged under the id
 * of one old API call. Work the engine does on its own account starts here instead; what it does on behalf of
 * a request names that request explicitly (correlation ids), never through the logging context.
 */
export function outsideRequestContext<T>(work: () => T): T {
  return storage.exit(work);
}
