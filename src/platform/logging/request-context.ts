import { AsyncLocalStorage } from 'node:async_hooks';

/** What a log line written while serving a request says of it. */
export interface RequestLogContext {
  readonly requestId: string;
  readonly method: string;
  readonly url: string;
}

/**
 * The request being served, for the log lines written while serving it. The one AsyncLocalStorage the logs use:
 * it holds three strings, and a request's log lines are made from it only when one is written, so a request that
 * logs nothing builds no logger of its own.
 */
const requests = new AsyncLocalStorage<RequestLogContext>();

/** Runs `work`, and everything it schedules, as part of serving `request`. */
export function withinRequest<T>(request: RequestLogContext, work: () => T): T {
  return requests.run(request, work);
}

/** The request being served here, if any. */
export function currentRequest(): RequestLogContext | undefined {
  return requests.getStore();
}

/**
 * Runs `work`, and everything it schedules, outside the request being served: its log lines carry no
 * request_id.
 *
 * Async context follows every callback created under it. A WhatsApp socket opened while serving `connect` would
 * otherwise hand that request's context to each of its events for the life of the session: days of received
 * messages logged under the id of one old API call. Work the engine does on its own account starts here instead;
 * what it does on behalf of a request names that request explicitly (correlation ids), never through the logging
 * context.
 */
export function outsideRequestContext<T>(work: () => T): T {
  return requests.exit(work);
}
