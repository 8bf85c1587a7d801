import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../../platform/redis/redis-connection';
import type { PRESENCES } from './presence.contracts';

export interface KnownPresence {
  presence: (typeof PRESENCES)[number];
  lastSeen: string | null;
  chat: string | null;
  updatedAt: string;
  /** When a presence.updated last went out for this contact, with which presence and in which chat (coalescing). */
  published: { presence: string; chat?: string | null; at: number } | null;
}

/** Presence is push-only and goes stale: what WhatsApp pushed is kept this long, then reads say nothing is known. */
export const PRESENCE_TTL_SECONDS = 10 * 60;
/** The own presence and subscriptions are renewed after every reconnect; a channel not connected for this long forgets them. */
const SUBSCRIPTIONS_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Redis: the last presence of each contact per channel (with a TTL), the contacts a channel subscribed to and
 * the channel's own presence, both renewed on every reconnect (WhatsApp forgets them with the connection).
 */
@Injectable()
export class PresenceStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async get(channelId: string, jid: string): Promise<KnownPresence | null> {
    const raw = await this.redis.get(`presence:${channelId}:${jid}`);
    return raw ? (JSON.parse(raw) as KnownPresence) : null;
  }

  async set(channelId: string, jid: string, known: KnownPresence): Promise<void> {
    await this.redis.set(`presence:${channelId}:${jid}`, JSON.stringify(known), 'EX', PRESENCE_TTL_SECONDS);
  }

  async addSubscription(channelId: string, jid: string): Promise<void> {
    const key = `presence-subscriptions:${channelId}`;
    await this.redis.multi().sadd(key, jid).expire(key, SUBSCRIPTIONS_TTL_SECONDS).exec();
  }

  subscriptions(channelId: string): Promise<string[]> {
    return this.redis.smembers(`presence-subscriptions:${channelId}`);
  }

  /** Restarts the lifetime of the channel's own presence and subscriptions (at every connection). */
  async touch(channelId: string): Promise<void> {
    await this.redis
      .multi()
      .expire(`presence-subscriptions:${channelId}`, SUBSCRIPTIONS_TTL_SECONDS)
      .expire(`presence-own:${channelId}`, SUBSCRIPTIONS_TTL_SECONDS)
      .exec();
  }

  async setOwn(channelId: string, presence: 'online' | 'offline'): Promise<void> {
    await this.redis.set(`presence-own:${channelId}`, presence, 'EX', SUBSCRIPTIONS_TTL_SECONDS);
  }

  async own(channelId: string): Promise<'online' | 'offline' | null> {
    return (await this.redis.get(`presence-own:${channelId}`)) as 'online' | 'offline' | null;
  }
}
