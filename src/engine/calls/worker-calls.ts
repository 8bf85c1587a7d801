import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { REDIS } from '../../platform/redis/redis-connection';
import { WORKER_ID } from '../worker-id';
import { decodeError, decodeValue, encodeError, encodeValue, type EncodedError } from './call-codec';

/**
 * A request in a worker's inbox. `deadline` is the caller's clock: the callee drops what nobody awaits any more,
 * or, for a one-way request, what has gone stale. A one-way request gets no reply.
 */
interface CallRequest {
  id: string;
  from: string;
  target: string;
  method: string;
  args: unknown;
  deadline: number;
  oneWay?: true;
}

type CallReply = { id: string; ok: true; value: unknown } | { id: string; ok: false; error: EncodedError };

interface Pending {
  resolve(value: unknown): void;
  reject(error: AppError): void;
  timer: NodeJS.Timeout;
}

/** What a worker runs for others: the methods it accepts of one target (a port, the dispatcher). */
interface Served {
  methods: ReadonlySet<string>;
  impl: object;
}

/** Replies and inboxes of a dead process lapse instead of staying in Redis. */
const LIST_TTL_MS = 10 * 60_000;
/** After a Redis error, a blocking loop waits this long before it listens again. */
const RETRY_MS = 500;

/**
 * Request/reply between the gateway's processes over Redis, so that a call reaches the process that holds a
 * channel's socket.
 *
 * Each process has an inbox, a Redis list (`<prefix>calls:<worker id>`), and a reply list
 * (`<prefix>call-replies:<worker id>`). A caller RPUSHes its request to the owner's inbox and waits for the
 * reply in its own reply list; each process BLPOPs both lists on dedicated connections (a blocking command
 * holds its connection). Why lists and not pub/sub: a request pushed while the owner is briefly disconnected
 * from Redis waits for it instead of being lost, and BLPOP hands each one to exactly one listener. Why one
 * reply list per process and not one key per call: a per-call BLPOP would need a blocked connection per call
 * in flight, where one list and a map of pending calls by id need one connection in all. Lists get an expiry
 * on each push, so those of a process that died go by themselves; a request whose caller stopped waiting
 * is dropped unrun, so nothing acts after its caller was told it failed. One-way requests (`tell`: a placed
 * channel for its worker to open) share the inbox and get no reply.
 */
@Injectable()
export class WorkerCalls implements OnModuleDestroy {
  private readonly logger = new Logger(WorkerCalls.name);
  private readonly served = new Map<string, Served>();
  private readonly pending = new Map<string, Pending>();
  private inbox?: Redis;
  private replies?: Redis;
  private stopped = false;
  /** Requests sent to and served for other workers: the local path never moves these. */
  readonly traffic = { sent: 0, served: 0 };

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_ID) private readonly workerId: string,
  ) {}

  /**
   * Lets other workers run `methods` of `impl` here under the name `target`. The first registration starts
   * listening to this process' inbox.
   */
  serve(target: string, methods: ReadonlySet<string>, impl: object): void {
    if (this.served.has(target)) throw new Error(`worker call target ${target} is registered twice`);
    this.served.set(target, { methods, impl });
    if (!this.inbox) {
      this.inbox = this.redis.duplicate();
      this.inbox.on('error', () => undefined);
      void this.listen(this.inbox, this.inboxKey(this.workerId), (raw) => this.handle(raw));
    }
  }

  /** Runs `target.method(...args)` on worker `workerId`; its AppErrors come back as they were raised. */
  async call(
    workerId: string,
    target: string,
    method: string,
    args: unknown[],
    timeoutMs = this.config.workerCallTimeoutMs,
  ): Promise<unknown> {
    if (this.stopped) throw unanswered(workerId, target, method, timeoutMs);
    this.listenForReplies();
    const id = randomUUID();
    const request: CallRequest = { id, from: this.workerId, target, method, args: encodeValue(args), deadline: Date.now() + timeoutMs };
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(unanswered(workerId, target, method, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    const inbox = this.inboxKey(workerId);
    this.traffic.sent++;
    try {
      await this.redis.multi().rpush(inbox, JSON.stringify(request)).pexpire(inbox, LIST_TTL_MS).exec();
    } catch (error) {
      const pending = this.pending.get(id);
      if (pending) clearTimeout(pending.timer);
      this.pending.delete(id);
      void reply.catch(() => undefined);
      throw new AppError('channel_unavailable', 'The call could not be handed to the worker holding the channel: Redis is unreachable.', {
        details: { reason: 'worker_unreachable', operation: `${target}.${method}`, worker_id: workerId },
        cause: error,
      });
    }
    return reply;
  }

  /**
   * Has worker `workerId` run `target.method(...args)` without waiting for it: the request is in its inbox when
   * this resolves, and is run there unless it waited longer than `ttlMs`. Whatever it raises is logged there.
   */
  async tell(workerId: string, target: string, method: string, args: unknown[], ttlMs: number): Promise<void> {
    const request: CallRequest = {
      id: randomUUID(),
      from: this.workerId,
      target,
      method,
      args: encodeValue(args),
      deadline: Date.now() + ttlMs,
      oneWay: true,
    };
    const inbox = this.inboxKey(workerId);
    this.traffic.sent++;
    await this.redis.multi().rpush(inbox, JSON.stringify(request)).pexpire(inbox, Math.max(ttlMs, LIST_TTL_MS)).exec();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(
        new AppError('channel_unavailable', 'This gateway process is shutting down.', { details: { reason: 'shutting_down' } }),
      );
      this.pending.delete(id);
    }
    this.inbox?.disconnect();
    this.replies?.disconnect();
  }

  private listenForReplies(): void {
    if (this.replies) return;
    this.replies = this.redis.duplicate();
    this.replies.on('error', () => undefined);
    void this.listen(this.replies, this.replyKey(this.workerId), (raw) => this.settle(raw));
  }

  /** BLPOPs `key` on its own connection until shutdown; each entry is handled without holding the loop. */
  private async listen(connection: Redis, key: string, onEntry: (raw: string) => void): Promise<void> {
    while (!this.stopped) {
      try {
        const popped = await connection.blpop(key, 0);
        if (popped) onEntry(popped[1]);
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn({ err: error, key }, 'worker call listener lost Redis; listening again');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
  }

  private handle(raw: string): void {
    let request: CallRequest;
    try {
      request = JSON.parse(raw) as CallRequest;
    } catch (error) {
      this.logger.warn({ err: error }, 'unreadable worker call dropped');
      return;
    }
    if (Date.now() > request.deadline) return;
    this.traffic.served++;
    void this.run(request).then((reply) => (request.oneWay ? undefined : this.answer(request.from, reply)));
  }

  private async run(request: CallRequest): Promise<CallReply> {
    const operation = `${request.target}.${request.method}`;
    try {
      const served = this.served.get(request.target);
      if (!served || !served.methods.has(request.method)) {
        throw new AppError('internal_error', `This worker does not serve ${operation}.`, {
          details: { operation, worker_id: this.workerId },
        });
      }
      const args = decodeValue(request.args as never) as unknown[];
      const fn = (served.impl as Record<string, (...a: unknown[]) => unknown>)[request.method];
      const value: unknown = await fn.apply(served.impl, args);
      return { id: request.id, ok: true, value: encodeValue(value) };
    } catch (error) {
      if (!(error instanceof AppError)) this.logger.error({ err: error, operation }, 'worker call failed unexpectedly');
      else if (request.oneWay) this.logger.warn({ err: error, operation }, 'one-way worker call refused');
      return { id: request.id, ok: false, error: encodeError(error, operation, this.workerId) };
    }
  }

  private async answer(to: string, reply: CallReply): Promise<void> {
    const key = this.replyKey(to);
    try {
      await this.redis.multi().rpush(key, JSON.stringify(reply)).pexpire(key, LIST_TTL_MS).exec();
    } catch (error) {
      // the caller's timeout answers it
      this.logger.warn({ err: error, to }, 'worker call reply not delivered');
    }
  }

  private settle(raw: string): void {
    let reply: CallReply;
    try {
      reply = JSON.parse(raw) as CallReply;
    } catch {
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return; // it timed out already
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(decodeValue(reply.value as never));
    else pending.reject(decodeError(reply.error));
  }

  private inboxKey(workerId: string): string {
    return `${this.config.redisKeyPrefix}calls:${workerId}`;
  }

  private replyKey(workerId: string): string {
    return `${this.config.redisKeyPrefix}call-replies:${workerId}`;
  }
}

function unanswered(workerId: string, target: string, method: string, timeoutMs: number): AppError {
  return new AppError('channel_unavailable', 'The worker holding the channel’s WhatsApp session did not answer in time.', {
    details: { reason: 'worker_timeout', operation: `${target}.${method}`, worker_id: workerId, timeout_ms: timeoutMs },
  });
}
