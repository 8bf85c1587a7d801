import { Injectable } from '@nestjs/common';
import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import type { GroupCommunity } from '../ports/session-events';

/** Groups kept per channel; the least recently used goes first beyond it. */
const MAX_GROUPS_PER_CHANNEL = 500;

/**
 * The metadata of the groups a channel sends to, for Baileys' `cachedGroupMetadata`: without it every group
 * send asks WhatsApp for the group first (and heavy senders get rate-limited). It is a cache, not a mirror:
 * filled by what the socket fetched anyway (list, get, create, a miss), and an entry is dropped as soon as a
 * notification says the group changed, so the next send reads it afresh.
 */
@Injectable()
export class GroupMetadataCache {
  private readonly channels = new Map<string, Map<string, GroupMetadata>>();
  /**
   * Where each group seen stands in a community, kept when its metadata is dropped: a change does not move a
   * group between communities (linking does, and says so), and the events of a change name its community.
   */
  private readonly communities = new Map<string, Map<string, GroupCommunity>>();

  get(channelId: string, groupJid: string): GroupMetadata | undefined {
    const groups = this.channels.get(channelId);
    const meta = groups?.get(groupJid);
    if (groups && meta) {
      // most recently used last
      groups.delete(groupJid);
      groups.set(groupJid, meta);
    }
    return meta;
  }

  set(channelId: string, meta: GroupMetadata): void {
    let groups = this.channels.get(channelId);
    if (!groups) {
      groups = new Map();
      this.channels.set(channelId, groups);
    }
    groups.delete(meta.id);
    groups.set(meta.id, meta);
    if (groups.size > MAX_GROUPS_PER_CHANNEL) groups.delete(groups.keys().next().value!);
    this.placeInCommunity(channelId, meta.id, { isCommunity: Boolean(meta.isCommunity), communityJid: meta.linkedParent ?? null });
  }

  /** Where the group stands in a community, as last seen; null for a group this channel has not seen. */
  communityOf(channelId: string, groupJid: string): GroupCommunity | null {
    return this.communities.get(channelId)?.get(groupJid) ?? null;
  }

  /** The group was linked to a community (or unlinked, null): its metadata is stale, its place known. */
  linked(channelId: string, groupJid: string, communityJid: string | null): void {
    this.forget(channelId, groupJid);
    this.placeInCommunity(channelId, groupJid, { isCommunity: false, communityJid });
  }

  private placeInCommunity(channelId: string, groupJid: string, place: GroupCommunity): void {
    let places = this.communities.get(channelId);
    if (!places) {
      places = new Map();
      this.communities.set(channelId, places);
    }
    places.delete(groupJid);
    places.set(groupJid, place);
    if (places.size > MAX_GROUPS_PER_CHANNEL) places.delete(places.keys().next().value!);
  }

  forget(channelId: string, groupJid: string): void {
    this.channels.get(channelId)?.delete(groupJid);
  }

  clear(channelId: string): void {
    this.channels.delete(channelId);
    this.communities.delete(channelId);
  }

  /** Baileys' `cachedGroupMetadata` for one channel: the cached entry, else fetched (and kept) over the socket. */
  lookup(channelId: string, socket: () => WASocket): (groupJid: string) => Promise<GroupMetadata | undefined> {
    return async (groupJid) => {
      const cached = this.get(channelId, groupJid);
      if (cached) return cached;
      // a failed fetch leaves the question to Baileys, which asks again and reports the refusal to the sender
      const fetched = await socket()
        .groupMetadata(groupJid)
        .catch(() => undefined);
      if (fetched) this.set(channelId, fetched);
      return fetched;
    };
  }

  size(channelId: string): number {
    return this.channels.get(channelId)?.size ?? 0;
  }
}
