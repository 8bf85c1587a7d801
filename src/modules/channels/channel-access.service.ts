import { Injectable } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';
import { ApiKeyPrincipal, KeyMode } from '../auth/principal';
import { ChannelRow, ChannelsRepository } from './channels.repository';

/** Whose channels a request may name: a customer's, of one mode (test keys name test channels). */
export interface ChannelOwner {
  customerId: string;
  mode: KeyMode;
}

export interface ChannelLookup {
  /** A deleted channel is found rather than refused (routes that read one). */
  allowDeleted?: boolean;
  /** A read of the channel from the last RECENT_CHANNEL_TTL_MS will do (ChannelsRepository.findRecentByClientId). */
  recent?: boolean;
}

/**
 * Resolves "this key may act on this channel", the check ChannelAccessGuard runs for every route under a
 * channel before the route does (channel-route.ts):
 * - another customer's channel, or none: `channel_not_found` (existence is never revealed);
 * - a key scoped to a different channel: `channel_scoped_key`;
 * - a test key on a live channel or a live key on a test channel: `channel_access_denied`.
 * Resources that name a channel (webhook endpoints, support tickets, scoped keys) check it the same way,
 * so a reference can never point at a channel its owner could not use.
 */
@Injectable()
export class ChannelAccessService {
  constructor(private readonly channels: ChannelsRepository) {}

  async require(key: ApiKeyPrincipal, channelId: string, options: ChannelLookup = {}): Promise<ChannelRow> {
    if (key.channelId && key.channelId !== channelId) {
      throw new AppError('channel_scoped_key', `This key is scoped to channel ${key.channelId}.`, {
        details: { key_channel_id: key.channelId, requested_channel_id: channelId },
      });
    }
    return this.requireOwned(key, channelId, options);
  }

  /**
   * The owner's channels of the other mode: what a customer-wide list shown to this key must leave out
   * (rows that name no channel belong to both modes).
   */
  otherModeChannelIds(owner: ChannelOwner): Promise<string[]> {
    return this.channels.idsOfMode(owner.customerId, owner.mode === 'live' ? 'test' : 'live');
  }

  /** The same check without a key: for an operator minting a key for a customer, or a key naming a channel. */
  async requireOwned(owner: ChannelOwner, channelId: string, options: ChannelLookup = {}): Promise<ChannelRow> {
    const row = await (options.recent ? this.channels.findRecentByClientId(channelId) : this.channels.findByClientId(channelId));
    if (!row || row.customerId !== owner.customerId) {
      throw new AppError('channel_not_found', `No channel ${channelId}.`);
    }
    if (row.mode !== owner.mode) {
      throw new AppError('channel_access_denied', `This is a ${row.mode} channel; use a ${row.mode} key for it.`, {
        details: { channel_mode: row.mode, key_mode: owner.mode },
      });
    }
    if (row.deletedAt && !options.allowDeleted) {
      throw new AppError('channel_unavailable', `Channel ${channelId} was deleted.`, {
        details: { deleted_at: row.deletedAt.toISOString() },
      });
    }
    return row;
  }
}
