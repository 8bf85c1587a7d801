import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { PresencePort } from '../../engine/ports/presence.port';
import type { PresenceEvent } from '../../engine/ports/session-events';
import { SessionManager } from '../../engine/session-manager';
import { ChannelsService } from '../channels/channels.service';
import { Outbox } from '../events/outbox';
import { phoneOf } from '../whatsapp/jid';
import { PresenceStore } from './presence.store';

/**
 * The coalescing rule: a contact's presence.updated is sent when its presence or the chat it is in changed since
 * the last one sent, or when the last one is older than this. WhatsApp repeats `composing` every few seconds while
 * someone types: a burst gives one `typing`, then one `online` (or `paused`) when it stops.
 */
export const PRESENCE_REPEAT_AFTER_MS = 60_000;

/** Presence pushes → the cache and presence.updated; after each reconnect, the own presence and subscriptions again. */
@Injectable()
export class PresenceEventsListener implements OnModuleInit {
  private readonly logger = new Logger(PresenceEventsListener.name);

  constructor(
    private readonly sessions: SessionManager,
    private readonly channels: ChannelsService,
    private readonly outbox: Outbox,
    private readonly store: PresenceStore,
    private readonly whatsapp: PresencePort,
  ) {}

  onModuleInit(): void {
    this.sessions.onChannelEvent('presence', (channelId, event) =>
      this.handle(channelId, event).catch((error: unknown) =>
        this.logger.error({ err: error, channel_id: channelId }, 'presence event not handled'),
      ),
    );
    this.sessions.onChannelEvent('lifecycle', (channelId, event) => {
      if (event.type !== 'open') return;
      // not awaited: the lane of the channel's events must not wait on WhatsApp
      this.renew(channelId).catch((error: unknown) => this.logger.warn({ err: error, channel_id: channelId }, 'presence not renewed'));
    });
  }

  private async renew(channelId: string): Promise<void> {
    // kept as long as the channel keeps connecting: the TTLs count from the last connection
    await this.store.touch(channelId);
    if ((await this.store.own(channelId)) === 'online') {
      // a refusal here must not keep the subscriptions from being renewed
      await this.whatsapp
        .setOwn(channelId, 'online')
        .catch((error: unknown) => this.logger.warn({ err: error, channel_id: channelId }, 'own presence not renewed'));
    }
    for (const jid of await this.store.subscriptions(channelId)) await this.whatsapp.subscribe(channelId, jid);
  }

  private async handle(channelId: string, event: PresenceEvent): Promise<void> {
    const owner = await this.channels.owner(channelId);
    if (!owner) return;
    const key = event.contactPhoneJid ?? event.contactJid;
    const previous = await this.store.get(channelId, key);
    const chat = event.chatJid !== event.contactJid && event.chatJid !== event.contactPhoneJid ? event.chatJid : null;
    const now = Date.now();
    const last = previous?.published;
    const repeat = !!last && last.presence === event.presence && (last.chat ?? null) === chat && now - last.at < PRESENCE_REPEAT_AFTER_MS;
    const known = {
      presence: event.presence,
      lastSeen: event.lastSeen?.toISOString() ?? null,
      chat,
      updatedAt: new Date(now).toISOString(),
      published: repeat ? last : { presence: event.presence, chat, at: now },
    };
    await this.store.set(channelId, key, known);
    // read by phone number or LID alike
    if (key !== event.contactJid) await this.store.set(channelId, event.contactJid, known);
    if (repeat) return;
    await this.outbox.publish({
      type: 'presence.updated',
      customerId: owner.customerId,
      channelId,
      payload: {
        contact: {
          jid: event.contactJid,
          phone_number: event.contactPhoneJid ? phoneOf(event.contactPhoneJid) : phoneOf(event.contactJid),
          lid: event.contactLid,
        },
        presence: event.presence,
        ...(known.lastSeen ? { last_seen: known.lastSeen } : {}),
        ...(chat ? { chat } : {}),
      },
    });
  }
}
