import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { REDIS } from '../../platform/redis/redis-connection';
import { SessionManager } from '../session-manager';
import { WORKER_ID } from '../worker-id';

/**
 * Which worker holds a channel's socket, as its lease in Redis says: `<prefix>channel-lease:<channel id>`
 * holds `<worker id>|<fencing token>`. The lease holder writes it; this only reads it.
 */
@Injectable()
export class ChannelOwners {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_ID) private readonly workerId: string,
    private readonly sessions: SessionManager,
  ) {}

  /** The channel's socket is open here or in the worker its lease names: a call can reach WhatsApp now. */
  async reachable(channelId: string): Promise<boolean> {
    if (this.sessions.isOpen(channelId)) return true;
    // Redis out of reach: no other worker can be asked either, as for a single process without the socket
    return (await this.remoteOwnerOf(channelId).catch(() => null)) !== null;
  }

  /** The id of the worker named by the channel's lease, or null without a lease. */
  async ownerOf(channelId: string): Promise<string | null> {
    let value: string | null;
    try {
      value = await this.redis.get(this.leaseKey(channelId));
    } catch (error) {
      throw new AppError('channel_unavailable', 'Cannot tell which worker holds the channel’s WhatsApp session: Redis is unreachable.', {
        details: { reason: 'owner_unknown' },
        cause: error,
      });
    }
    if (!value) return null;
    const separator = value.lastIndexOf('|');
    const owner = separator >= 0 ? value.slice(0, separator) : value;
    return owner || null;
  }

  /** The owner when it is another process than this one; null when there is none or it is this one. */
  async remoteOwnerOf(channelId: string): Promise<string | null> {
    const owner = await this.ownerOf(channelId);
    return owner && owner !== this.workerId ? owner : null;
  }

  leaseKey(channelId: string): string {
    return `${this.config.redisKeyPrefix}channel-lease:${channelId}`;
  }
}
