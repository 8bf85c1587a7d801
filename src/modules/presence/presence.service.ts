import { Injectable } from '@nestjs/common';
import { type ChatState, PresencePort } from '../../engine/ports/presence.port';
import type { ChannelRef } from '../channels/channels.contracts';
import { parseRecipient } from '../whatsapp/jid';
import { PresenceStore } from './presence.store';

/** The channel's own presence, chat states, subscriptions and the last presence WhatsApp pushed. */
@Injectable()
export class PresenceService {
  constructor(
    private readonly whatsapp: PresencePort,
    private readonly store: PresenceStore,
  ) {}

  /** Remembered: it is set again after every reconnect (the channel connects offline otherwise). */
  async setOwn(channel: ChannelRef, presence: 'online' | 'offline') {
    await this.whatsapp.setOwn(channel.id, presence);
    await this.store.setOwn(channel.id, presence);
    return { channel_id: channel.id, presence };
  }

  async sendChatState(channel: ChannelRef, contact: string, state: ChatState) {
    const jid = parseRecipient(contact, ['contact']);
    await this.whatsapp.sendChatState(channel.id, jid, state);
    return { to: jid, presence: state };
  }

  async subscribe(channel: ChannelRef, contact: string) {
    const jid = parseRecipient(contact, ['contact']);
    await this.whatsapp.subscribe(channel.id, jid);
    await this.store.addSubscription(channel.id, jid);
    return { contact: jid, subscribed: true as const };
  }

  async get(channel: ChannelRef, contact: string) {
    const jid = parseRecipient(contact, ['contact']);
    const known = await this.store.get(channel.id, jid);
    return {
      contact: jid,
      presence: known?.presence ?? null,
      last_seen: known?.lastSeen ?? null,
      chat: known?.chat ?? null,
      updated_at: known?.updatedAt ?? null,
    };
  }
}
