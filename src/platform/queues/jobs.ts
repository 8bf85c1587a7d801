import type { JobsOptions } from 'bullmq';
import { QUEUES } from './queue-names';

/**
 * Every job of the gateway: its queue, its name, its data, its options and how its id is built. Names and
 * ids are stored in Redis with the jobs: NEVER rename a job or change how its id is built, or jobs waiting
 * under the old ones are orphaned (or run twice). Producers and processors take them from here only.
 */

/** Delayed reconnect attempt of a channel; whether it still applies is decided on fresh state when it runs. */
export interface ReconnectJobData {
  channelId: string;
  attempt: number;
}

/** "Look at message X": the database row is the source of truth of a send. */
export interface SendJobData {
  messageId: string;
  /** The message's channel: a worker without its socket skips the job without reading the row. */
  channelId?: string;
}

export interface DeliverJobData {
  deliveryId: string;
  /** The attempt number this job is for; a job for an attempt already taken does nothing. */
  attempt: number;
  /** The delivery's endpoint, for its share of the process's slots; absent from jobs queued before it was added. */
  endpointId?: string;
}

/** "Sync the pending products of channel X": the products' rows are the source of truth. */
export interface CatalogSyncJobData {
  channelId: string;
}

/** "Go on with bulk import X": the import's row says where it stands (its cursor), so a re-run resumes. */
export interface CatalogImportJobData {
  importId: string;
}

export const JOBS = {
  reconnect: {
    queue: QUEUES.channelReconnect,
    name: 'reconnect',
    options: { removeOnComplete: true, removeOnFail: 100 } satisfies JobsOptions,
    /** One per attempt of one disconnection (the state's start tells two disconnections apart). */
    jobId: (channelId: string, attempt: number, disconnectedAt: Date) => `reconnect-${channelId}-${attempt}-${disconnectedAt.getTime()}`,
  },
  send: {
    queue: QUEUES.outboundMessages,
    name: 'send',
    options: { removeOnComplete: true, removeOnFail: true } satisfies JobsOptions,
    /** The message id: queued from the API, the sweeper and a channel coming online, it waits once. */
    jobId: (messageId: string) => messageId,
    /** How long a message whose send failed waits before it is sent again: 1 s doubling to 30 s, jittered. */
    retryDelayMs: (attempt: number, random: () => number = Math.random) =>
      withJitter(Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1)), random),
  },
  deliver: {
    queue: QUEUES.webhookDelivery,
    name: 'deliver',
    // Retries are attempts of their own (a job each, scheduled by the attempt that failed), never BullMQ's.
    options: { removeOnComplete: true, removeOnFail: true, attempts: 1 } satisfies JobsOptions,
    /**
     * Retries and replays: jobs without a priority run first, so a failing endpoint's retries never queue
     * ahead of other endpoints' first attempts.
     */
    retryPriority: 1,
    /** One per (delivery, attempt): adding it twice, from a commit and from a sweep, queues it once. */
    jobId: (deliveryId: string, attempt: number) => `${deliveryId}-${attempt}`,
    /** The first attempt of a delivery woken by the one before it in its lane finishing. */
    wakeJobId: (deliveryId: string, after: string) => `${deliveryId}-1-after-${after}`,
  },
  mediaRetention: {
    queue: QUEUES.maintenance,
    name: 'media-retention',
    options: { removeOnComplete: 100, removeOnFail: 100 } satisfies JobsOptions,
    /** One schedule however many processes upsert it at boot. */
    schedulerId: 'media-retention',
    everyMs: 60 * 60 * 1000,
  },
  catalogSync: {
    queue: QUEUES.businessCatalog,
    name: 'catalog-sync',
    // a channel without a live socket (reconnecting, or after a restart) is tried again a few times
    options: { removeOnComplete: true, removeOnFail: 100, attempts: 15, backoff: { type: 'fixed', delay: 2_000 } } satisfies JobsOptions,
    /** One run per asking (`nonce`); a run syncs everything pending when it runs, so extra runs find nothing. */
    jobId: (channelId: string, nonce: string) => `catalog-sync-${channelId}-${nonce}`,
  },
  catalogImport: {
    queue: QUEUES.businessCatalog,
    name: 'catalog-import',
    options: { removeOnComplete: true, removeOnFail: 100, attempts: 15, backoff: { type: 'fixed', delay: 2_000 } } satisfies JobsOptions,
    /** One job per import and position: queued at acceptance, by each finished chunk and at boot, it runs once. */
    jobId: (importId: string, cursor: number) => `${importId}-${cursor}`,
  },
} as const;

/** Share of a retry delay that is random: ±20%. */
export const RETRY_JITTER = 0.2;

/**
 * A retry delay with jitter, uniformly within ±RETRY_JITTER of `delayMs`: retries of work that failed together
 * (a receiver that was down, a channel that dropped) do not all come back in the same instant.
 */
export function withJitter(delayMs: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(delayMs * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random())));
}
