import { BullModule } from '@nestjs/bullmq';
import { ConnectionOptions, Worker } from 'bullmq';
import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { settlesWithin, valueWithin } from '../async';
import { AppConfig } from '../config/app-config';
import { redisOptions, RedisTarget } from '../redis/redis-connection';

/** Longest wait between two reconnect attempts of a queue connection (BullMQ's own default grows to 20 s). */
export const QUEUE_RECONNECT_MAX_DELAY_MS = 2_000;
/** How long a closing worker waits for its blocking connection to come back after an outage (see GatewayWorker). */
export const WORKER_RECONNECT_WAIT_MS = QUEUE_RECONNECT_MAX_DELAY_MS + 1_000;
/** How long a closing worker waits for its running jobs (a webhook attempt is bounded by its own timeout). */
export const WORKER_CLOSE_GRACE_MS = 15_000;

/**
 * The Worker of every processor of the gateway: BullMQ's, with a shutdown that cannot hang.
 *
 * BullMQ's graceful `close()` interrupts the worker's blocking wait by disconnecting its blocking connection
 * and waiting for that connection's 'end' event. If Redis was lost, the connection sits in ioredis'
 * `reconnecting` state (no socket, a retry timer pending) until its next attempt; disconnecting it then only
 * clears the retry timer and never emits 'end', so `close()` never returns (and the app's shutdown with it).
 * That is what happened right after a Redis restart: the app's own Redis client was back (ready) while the
 * workers' blocking connections were still waiting for their next attempt.
 *
 * So a closing worker first lets its blocking connection come back (at most WORKER_RECONNECT_WAIT_MS, just
 * above the longest reconnect delay) and then closes gracefully, waiting for its running jobs. If Redis is
 * still down, it closes with force instead: running jobs are not waited for (their Redis commands could wait
 * forever for a Redis that does not return, maxRetriesPerRequest being null). And whatever happens, the
 * wait is bounded (WORKER_CLOSE_GRACE_MS), after which the shutdown goes on without it. Nothing is lost
 * either way: a job whose worker went away is retried once its lock expires, and the outboxes (e.g. the
 * webhook sweeper) queue again whatever is due and has no job.
 */
export class GatewayWorker extends Worker {
  private static readonly logger = new Logger('GatewayWorker');
  private closingWithin?: Promise<void>;

  constructor(...args: ConstructorParameters<typeof Worker>) {
    super(...args);
    // Connection errors while Redis is unreachable are expected and retried by ioredis; without a listener
    // BullMQ prints every one of them to the console instead of the structured log.
    this.on('error', (error) => GatewayWorker.logger.warn({ err: error, queue: this.name }, 'worker connection error'));
  }

  override close(force = false): Promise<void> {
    // BullMQ's close() returns its first call's promise to every caller; so does this one.
    this.closingWithin ??= this.closeWithin(force);
    return this.closingWithin;
  }

  private async closeWithin(force: boolean): Promise<void> {
    const graceful = !force && (await this.blockingConnectionUsable(WORKER_RECONNECT_WAIT_MS));
    if (!force && !graceful) {
      GatewayWorker.logger.warn(
        { queue: this.name },
        'Redis unreachable while closing a worker: closing it without waiting for its running jobs',
      );
    }
    const closed = super.close(!graceful);
    if (await settlesWithin(closed, WORKER_CLOSE_GRACE_MS)) return closed;
    GatewayWorker.logger.warn(
      { queue: this.name, waited_ms: WORKER_CLOSE_GRACE_MS },
      'a worker did not close in time; shutting down without it',
    );
    closed.catch(() => undefined);
  }

  /** Whether the blocking connection can be disconnected without hanging: not between two reconnect attempts. */
  private async blockingConnectionUsable(waitMs: number): Promise<boolean> {
    const pending = this.backend.blockingClient;
    if (!pending) return true;
    const deadline = Date.now() + waitMs;
    // Never connected (Redis down since boot): its client promise may never settle.
    const client = await valueWithin(pending, waitMs);
    if (!client) return false;
    const usable = () => client.status === 'ready' || client.status === 'wait' || client.status === 'end';
    if (usable()) return true;
    return new Promise<boolean>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('ready', done);
        client.off('end', done);
        resolve(usable());
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      timer.unref();
      client.on('ready', done);
      client.on('end', done);
    });
  }
}

/**
 * BullMQ on the gateway's Redis. Queue keys live under `<REDIS_KEY_PREFIX>bull`, so tests (each with its own
 * prefix) and several gateways on one Redis never see each other's jobs. Modules register their queues with
 * `BullModule.registerQueue({ name: QUEUES.x })`; their processors run on a GatewayWorker.
 */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(config: AppConfig, target: RedisTarget): DynamicModule {
    BullModule.workerClass = GatewayWorker;
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRoot({
          connection: redisOptions(target, {
            // BullMQ needs maxRetriesPerRequest: null on its blocking connections.
            maxRetriesPerRequest: null,
            // Back soon after Redis is: workers resume, and a closing worker does not wait long for its connection.
            retryStrategy: (times) => Math.min(times * 200, QUEUE_RECONNECT_MAX_DELAY_MS),
          }) as ConnectionOptions,
          prefix: `${config.redisKeyPrefix}bull`,
        }),
      ],
      exports: [BullModule],
    };
  }
}
