import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { MetricsService } from '../platform/metrics/metrics.service';
import { REDIS } from '../platform/redis/redis-connection';
import type { LeaseHold } from './placement';
import { WORKER_ID } from './worker-id';

/**
 * The right to hold a channel's socket: one Redis key per channel, `<prefix>channel-lease:<channelId>`, whose
 * value `<workerId>|<token>` names the worker and a fencing token, with an expiry of CHANNEL_LEASE_MS. The
 * token comes from `INCR <prefix>channel-lease-token:<channelId>`, so each new lease of a channel has a larger
 * one; the channel row records the token its state was written under, and a write under an older one (a
 * worker that was paused past its lease, then resumed) is refused. Whoever routes a call to a channel's worker
 * reads the owner from the same key: this format is shared, never change it.
 *
 * Plain Lua scripts rather than a lock library: none is installed (no redlock), and a lease here is a single
 * Redis key: the scripts make "take it if free" and "extend or drop it only while it still holds our value"
 * one atomic step each, which is all the algorithm needs.
 */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[3])
if token <= floor then
  token = floor + 1
  redis.call('SET', KEYS[2], token)
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface LeaseOwner {
  workerId: string;
  token: number;
}

interface Held {
  token: number;
  /** Local clock of the last confirmed renewal: past CHANNEL_LEASE_MS without one, the lease is gone for sure. */
  renewedAt: number;
}

export type LeaseLostListener = (channelId: string) => void;

@Injectable()
export class ChannelLeases implements OnModuleDestroy {
  private readonly logger = new Logger(ChannelLeases.name);
  private readonly held = new Map<string, Held>();
  /** The token of the last lease this worker took per channel, kept after release: state writes are fenced by it. */
  private readonly lastTokens = new Map<string, number>();
  private readonly listeners: LeaseLostListener[] = [];
  private readonly losses: Counter;
  private timer?: NodeJS.Timeout;
  private renewing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_ID) private readonly workerId: string,
    metrics: MetricsService,
  ) {
    const worker = { worker_id: workerId };
    const held = this.held;
    new Gauge({
      name: 'gateway_worker_channel_leases',
      help: 'Channel leases this gateway process holds now',
      labelNames: ['worker_id'],
      registers: [metrics.registry],
      collect() {
        this.set(worker, held.size);
      },
    });
    this.losses = new Counter({
      name: 'gateway_worker_channel_lease_losses_total',
      help: 'Channel leases this gateway process lost while holding the socket (expired or taken by another worker)',
      labelNames: ['worker_id'],
      registers: [metrics.registry],
    });
    this.losses.inc(worker, 0);
  }

  /** Called with the channel whenever a lease held here turns out lost: its socket must close at once. */
  onLost(listener: LeaseLostListener): void {
    this.listeners.push(listener);
  }

  /**
   * Takes the channel's lease for `owner` (this worker unless placing it on another) if nobody holds it;
   * its token, or null when it is held. Held here, it is renewed until released. The token exceeds `floor`
   * (the one the channel's state was last written under) even if Redis lost the counter.
   */
  async acquire(channelId: string, floor: number, owner = this.workerId): Promise<number | null> {
    const keys = [this.keyOf(channelId), this.tokenKeyOf(channelId)];
    const result = (await this.redis.eval(ACQUIRE, 2, ...keys, owner, this.config.channelLeaseMs, floor)) as number | null;
    if (result === null) return null;
    const token = Number(result);
    if (owner === this.workerId) this.hold(channelId, token);
    return token;
  }

  /** Takes over a lease another process placed on this worker; false if it lapsed or moved meanwhile. */
  async adopt(channelId: string, token: number): Promise<boolean> {
    if (this.held.get(channelId)?.token === token) return true;
    const renewed = await this.redis.eval(RENEW, 1, this.keyOf(channelId), `${this.workerId}|${token}`, this.config.channelLeaseMs);
    if (Number(renewed) !== 1) return false;
    this.hold(channelId, token);
    return true;
  }

  /** The token of the lease held here on the channel, if any. */
  heldToken(channelId: string): number | undefined {
    return this.held.get(channelId)?.token;
  }

  /** The token of the last lease this worker took on the channel, held or not: what its state writes carry. */
  fenceOf(channelId: string): number | null {
    return this.lastTokens.get(channelId) ?? null;
  }

  size(): number {
    return this.held.size;
  }

  /** Gives the lease up (a graceful close): deleted only while it still holds our value. */
  async release(channelId: string): Promise<void> {
    const held = this.held.get(channelId);
    if (!held) return;
    this.held.delete(channelId);
    this.stopIfIdle();
    try {
      await this.redis.eval(RELEASE, 1, this.keyOf(channelId), `${this.workerId}|${held.token}`);
    } catch (error) {
      this.logger.warn({ err: error, channel_id: channelId }, 'channel lease not released; it lapses by itself');
    }
  }

  /** Takes back a lease placed on another worker (the placement did not go through), if it still stands. */
  async revoke(channelId: string, owner: string, token: number): Promise<void> {
    if (owner === this.workerId) return this.release(channelId);
    await this.redis.eval(RELEASE, 1, this.keyOf(channelId), `${owner}|${token}`);
  }

  /** Channels whose lease this worker holds now. */
  heldChannels(): string[] {
    return [...this.held.keys()];
  }

  /** Who holds the channel's lease now, or null. */
  async ownerOf(channelId: string): Promise<LeaseOwner | null> {
    return parseLease(await this.redis.get(this.keyOf(channelId)));
  }

  /** For each channel, who holds its lease and for how many more milliseconds, or null when nobody does. */
  async holds(channelIds: readonly string[]): Promise<(LeaseHold | null)[]> {
    if (channelIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const channelId of channelIds) pipeline.get(this.keyOf(channelId)).pttl(this.keyOf(channelId));
    const replies = (await pipeline.exec()) ?? [];
    return channelIds.map((_, i) => {
      const [getError, value] = replies[2 * i] ?? [];
      const [ttlError, remaining] = replies[2 * i + 1] ?? [];
      if (getError) throw getError;
      if (ttlError) throw ttlError;
      const owner = parseLease(value as string | null);
      return owner && Number(remaining) >= 0 ? { workerId: owner.workerId, remainingMs: Number(remaining) } : null;
    });
  }

  /**
   * The channels among `rows` that no worker holds a lease on. Unless `all`, a channel whose state was written
   * under a token this Redis never issued is left out: its leases live in another namespace (another
   * REDIS_KEY_PREFIX on the same database), and its holder there is not ours to replace.
   */
  async unleased(rows: { id: string; leaseToken: bigint | null }[], all = false): Promise<string[]> {
    if (rows.length === 0) return [];
    const values = await this.redis.mget(rows.flatMap((row) => [this.keyOf(row.id), this.tokenKeyOf(row.id)]));
    return rows
      .filter((row, i) => values[2 * i] === null && (all || row.leaseToken === null || BigInt(values[2 * i + 1] ?? 0) >= row.leaseToken))
      .map((row) => row.id);
  }

  /**
   * Stops renewing and forgets every lease without giving any back: what a process that dies leaves behind,
   * its leases lapsing by themselves. Shutdown releases them instead (see the session manager).
   */
  abandon(): void {
    this.held.clear();
    this.stopIfIdle();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private hold(channelId: string, token: number): void {
    this.held.set(channelId, { token, renewedAt: Date.now() });
    this.lastTokens.set(channelId, token);
    if (!this.timer) {
      this.timer = setInterval(() => void this.renewAll(), Math.max(1, Math.floor(this.config.channelLeaseMs / 3)));
      this.timer.unref();
    }
  }

  private stopIfIdle(): void {
    if (this.held.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One renewal round; a round due while one is in flight is skipped. */
  private async renewAll(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      await Promise.all([...this.held.entries()].map(([channelId, held]) => this.renew(channelId, held)));
    } finally {
      this.renewing = false;
    }
  }

  /**
   * Extends the lease; if it lapsed (a pause, Redis lost it) and nobody took it meanwhile, takes it again with
   * a new token: no other worker can have opened the channel, since opening needs the lease. Held by another
   * owner: lost. With Redis unreachable past the lease's lifetime: lost too, as another may have taken it.
   */
  private async renew(channelId: string, held: Held): Promise<void> {
    let kept: boolean;
    try {
      const renewed = await this.redis.eval(RENEW, 1, this.keyOf(channelId), `${this.workerId}|${held.token}`, this.config.channelLeaseMs);
      kept = Number(renewed) === 1;
      if (!kept && this.held.get(channelId) === held) {
        const keys = [this.keyOf(channelId), this.tokenKeyOf(channelId)];
        const retaken = (await this.redis.eval(ACQUIRE, 2, ...keys, this.workerId, this.config.channelLeaseMs, held.token)) as
          number | null;
        if (retaken !== null && this.held.get(channelId) === held) {
          this.hold(channelId, Number(retaken));
          this.logger.warn(
            { channel_id: channelId, token: Number(retaken) },
            'channel lease had lapsed with nobody taking it: taken again',
          );
          return;
        }
      }
      if (kept) held.renewedAt = Date.now();
    } catch (error) {
      if (Date.now() - held.renewedAt < this.config.channelLeaseMs) {
        this.logger.warn({ err: error, channel_id: channelId }, 'channel lease not renewed; retrying');
        return;
      }
      kept = false;
    }
    if (kept || this.held.get(channelId) !== held) return;
    this.held.delete(channelId);
    this.stopIfIdle();
    this.losses.inc({ worker_id: this.workerId });
    this.logger.warn({ channel_id: channelId }, 'channel lease lost: closing its socket here');
    for (const listener of this.listeners) listener(channelId);
  }

  private keyOf(channelId: string): string {
    return `${this.config.redisKeyPrefix}channel-lease:${channelId}`;
  }

  private tokenKeyOf(channelId: string): string {
    return `${this.config.redisKeyPrefix}channel-lease-token:${channelId}`;
  }
}

/** `<workerId>|<token>`; the worker id may itself hold no `|`, but split on the last one all the same. */
export function parseLease(value: string | null): LeaseOwner | null {
  if (value === null) return null;
  const bar = value.lastIndexOf('|');
  const token = Number(value.slice(bar + 1));
  if (bar <= 0 || !Number.isSafeInteger(token)) return null;
  return { workerId: value.slice(0, bar), token };
}
