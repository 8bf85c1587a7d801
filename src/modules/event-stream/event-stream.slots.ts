import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { REDIS } from '../../platform/redis/redis-connection';

/** A slot not refreshed for this long belongs to a process that stopped without releasing it. */
const SLOT_TTL_MS = 60_000;
const REFRESH_MS = 20_000;

/**
 * KEYS[1]: the key's sorted set of slots (member: slot id, score: when it lapses, in Redis' clock).
 * ARGV: slot id, limit, ttl ms. Drops lapsed slots, then takes one if fewer than `limit` are held: 1, else 0.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1`;

/** KEYS: slot sets; ARGV: ttl ms, then one slot id per key. Pushes each slot's lapse time out again. */
const REFRESH = `
local t = redis.call('TIME')
local lapse = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', lapse, ARGV[i + 1])
  redis.call('PEXPIRE', key, tonumber(ARGV[1]))
end
return 1`;

type SlotsRedis = Redis & {
  streamSlotAcquire(key: string, slot: string, limit: number, ttlMs: number): Promise<number>;
  streamSlotRefresh(numberOfKeys: number, ...args: Array<string | number>): Promise<number>;
};

export interface StreamSlot {
  release(): void;
}

/**
 * The open event streams of each API key, counted across every gateway process in Redis (a slot per stream,
 * refreshed while it is open, lapsing after a minute when its process died). While Redis cannot be reached
 * the count falls back to this process' own streams, so an outage does not refuse every stream.
 */
@Injectable()
export class EventStreamSlots implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EventStreamSlots.name);
  /** Slots held by this process: slot id → API key id. */
  private readonly held = new Map<string, string>();
  private readonly local = new Map<string, number>();
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!('streamSlotAcquire' in this.redis)) this.redis.defineCommand('streamSlotAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    if (!('streamSlotRefresh' in this.redis)) this.redis.defineCommand('streamSlotRefresh', { lua: REFRESH });
    this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.refreshTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refreshTimer);
  }

  /** A slot for one more stream of this key, or undefined when it holds `limit` already. */
  async acquire(apiKeyId: string, limit: number): Promise<StreamSlot | undefined> {
    const slot = randomUUID();
    const localCount = this.local.get(apiKeyId) ?? 0;
    if (localCount >= limit) return undefined;
    // Counted here before the await, so that concurrent requests of one process cannot overshoot either.
    this.local.set(apiKeyId, localCount + 1);
    let inRedis = false;
    try {
      inRedis = (await (this.redis as SlotsRedis).streamSlotAcquire(this.keyOf(apiKeyId), slot, limit, SLOT_TTL_MS)) === 1;
      if (!inRedis) {
        this.releaseLocal(apiKeyId);
        return undefined;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'cannot count event streams in Redis; counting this process only');
    }
    if (inRedis) this.held.set(slot, apiKeyId);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.releaseLocal(apiKeyId);
        if (this.held.delete(slot)) this.redis.zrem(this.keyOf(apiKeyId), slot).catch(() => undefined);
      },
    };
  }

  private releaseLocal(apiKeyId: string): void {
    const open = (this.local.get(apiKeyId) ?? 1) - 1;
    if (open > 0) this.local.set(apiKeyId, open);
    else this.local.delete(apiKeyId);
  }

  private async refresh(): Promise<void> {
    if (this.held.size === 0) return;
    const slots = [...this.held.entries()];
    try {
      await (this.redis as SlotsRedis).streamSlotRefresh(
        slots.length,
        ...slots.map(([, apiKeyId]) => this.keyOf(apiKeyId)),
        SLOT_TTL_MS,
        ...slots.map(([slot]) => slot),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'cannot refresh the event stream slots; the next refresh retries');
    }
  }

  private keyOf(apiKeyId: string): string {
    return `${this.config.redisKeyPrefix}sse-streams:${apiKeyId}`;
  }
}
