import type { StrayRejection } from '../stray-rejections';

/** What ioredis rejects a command with when its connection closed for good (ioredis' CONNECTION_CLOSED_ERROR_MSG). */
export const CONNECTION_CLOSED = 'Connection is closed.';

/**
 * A command left pending on a Redis connection that was closed on purpose. ioredis rejects every command still
 * queued on a connection once it is closed for good, and a connection here is closed for good only on purpose:
 * every client of the gateway reconnects without end (BullMQ's too), and the gateway closes its connections
 * when it shuts down. A library that issued such a command without a handler (BullMQ's connections are closed
 * while the gateway shuts down, right after an outage) leaves a rejection nobody awaits; nothing is lost with
 * it, since whoever would have used the answer is shutting down. Without this, that one rejection would end
 * a shutdown in a crash.
 */
export const ABANDONED_REDIS_COMMAND: StrayRejection = {
  source: 'a Redis connection',
  recognise: (reason) => (reason instanceof Error && reason.message === CONNECTION_CLOSED ? CONNECTION_CLOSED : undefined),
};
