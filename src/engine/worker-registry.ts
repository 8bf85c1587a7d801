import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { hostname } from 'node:os';
import { Gauge } from 'prom-client';
import { settlesWithin } from '../platform/async';
import { APP_CONFIG, AppConfig, GatewayRole } from '../platform/config/app-config';
import { MetricsService } from '../platform/metrics/metrics.service';
import { API_VERSION } from '../platform/openapi/openapi-document';
import { REDIS } from '../platform/redis/redis-connection';
import { SessionManager } from './session-manager';

/** What a process does (GATEWAY_ROLE): the API and sockets, the API only, or sockets only. */
export type WorkerRole = GatewayRole;

/** One process as its last heartbeat described it. Times are Redis' clock, in milliseconds. */
export interface WorkerEntry {
  id: string;
  role: WorkerRole;
  /** Sessions it may hold (WORKER_CAPACITY). */
  capacity: number;
  /** Sessions it held at its last heartbeat. */
  sessions: number;
  startedAt: number;
  lastHeartbeat: number;
  /** Its heartbeat interval: an entry is stale after two, gone after three. */
  heartbeatMs: number;
  version: string;
  hostname: string;
  pid: number;
}

export interface ListedWorker extends WorkerEntry {
  /** No heartbeat for over two intervals, but the entry has not lapsed yet. */
  stale: boolean;
}

/** Missed beats after which an entry lapses, and after which it is shown as stale. */
const LAPSE_AFTER_BEATS = 3;
const STALE_AFTER_BEATS = 2;
/** How long start-up waits for the first beat, and shutdown for one in flight: a Redis outage holds neither. */
const BEAT_WAIT_MS = 2_000;

/**
 * The gateway's processes, as each tells Redis every WORKER_HEARTBEAT_MS.
 *
 * Each process writes its own key (`<prefix>workers:<id>`, a JSON entry with an expiry of three beats), so a
 * process that dies without cleaning up disappears by itself, and adds its id to one sorted set
 * (`<prefix>workers`, scored by the time of its last beat). The set is the index: listing is one ZRANGE and
 * one MGET, where a SCAN for the keys would walk the whole keyspace of a Redis shared with queues and rate
 * limits. A set member whose key has lapsed is a dead process: readers and beats drop it.
 */
@Injectable()
export class WorkerRegistry implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorkerRegistry.name);
  private readonly startedAt = Date.now();
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private reachable = true;
  private stopped = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionManager,
    metrics: MetricsService,
  ) {
    const worker = { worker_id: sessions.workerId };
    new Gauge({
      name: 'gateway_worker_sessions',
      help: 'WhatsApp sessions this gateway process holds now',
      labelNames: ['worker_id'],
      registers: [metrics.registry],
      collect() {
        this.set(worker, sessions.size());
      },
    });
    new Gauge({
      name: 'gateway_worker_capacity',
      help: 'WhatsApp sessions this gateway process may hold (WORKER_CAPACITY)',
      labelNames: ['worker_id'],
      registers: [metrics.registry],
      collect() {
        this.set(worker, config.workerCapacity);
      },
    });
  }

  get workerId(): string {
    return this.sessions.workerId;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => void this.beat(), this.config.workerHeartbeatMs);
    this.timer.unref();
    await settlesWithin(this.beat(), BEAT_WAIT_MS);
  }

  /** Graceful shutdown: the entry goes at once, before Redis is disconnected, rather than lapsing later. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await settlesWithin(this.beating, BEAT_WAIT_MS);
    try {
      await this.redis.multi().del(this.keyOf(this.workerId)).zrem(this.indexKey(), this.workerId).exec();
    } catch (error) {
      this.logger.warn({ err: error }, 'cannot remove this worker from the registry; its entry lapses by itself');
    }
  }

  /** Writes this process' entry now; one at a time, a beat due while one is in flight is skipped. */
  beat(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.beating ??= this.write().finally(() => (this.beating = undefined));
    return this.beating;
  }

  /** Every process whose entry has not lapsed, oldest first. */
  async list(): Promise<ListedWorker[]> {
    const now = await this.now();
    const ids = await this.redis.zrange(this.indexKey(), 0, -1);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keyOf(id)));
    const lapsed = ids.filter((_, i) => values[i] === null);
    if (lapsed.length > 0) await this.redis.zrem(this.indexKey(), ...lapsed);
    return values
      .flatMap((value) => (value === null ? [] : [JSON.parse(value) as WorkerEntry]))
      .map((entry) => ({ ...entry, stale: now - entry.lastHeartbeat > STALE_AFTER_BEATS * entry.heartbeatMs }))
      .sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  private async write(): Promise<void> {
    try {
      const now = await this.now();
      const heartbeatMs = this.config.workerHeartbeatMs;
      const entry: WorkerEntry = {
        id: this.workerId,
        role: this.config.gatewayRole,
        capacity: this.config.workerCapacity,
        sessions: this.sessions.size(),
        startedAt: this.startedAt,
        lastHeartbeat: now,
        heartbeatMs,
        version: API_VERSION,
        hostname: hostname(),
        pid: process.pid,
      };
      // Members older than the longest lapse any process could have are dead for sure; the rest are
      // checked against their keys when listed.
      await this.redis
        .multi()
        .set(this.keyOf(this.workerId), JSON.stringify(entry), 'PX', LAPSE_AFTER_BEATS * heartbeatMs)
        .zadd(this.indexKey(), now, this.workerId)
        .zremrangebyscore(this.indexKey(), '-inf', now - LAPSE_AFTER_BEATS * 60_000)
        .exec();
      if (!this.reachable) this.logger.log('worker heartbeat written again');
      this.reachable = true;
    } catch (error) {
      // Logged once per outage; the next beat retries.
      if (this.reachable) this.logger.warn({ err: error }, 'cannot write the worker heartbeat to Redis; retrying on the next beat');
      this.reachable = false;
    }
  }

  /** Redis' clock, the one every process shares, so that staleness does not depend on a host's clock. */
  private async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  private indexKey(): string {
    return `${this.config.redisKeyPrefix}workers`;
  }

  private keyOf(id: string): string {
    return `${this.config.redisKeyPrefix}workers:${id}`;
  }
}
