import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { InboundWireMessage, WireReceipt } from '../../engine/message-content';
import { MessagingPort } from '../../engine/ports/messaging.port';
import { STORY_CHAT } from '../../engine/ports/stories.port';
import type { ContactsEvent, MessagingEvent } from '../../engine/ports/session-events';
import { SessionManager } from '../../engine/session-manager';
import { KeyedLanes } from '../../platform/async';
import { whileDatabaseUnavailable } from '../../platform/database';
import { ChannelsService } from '../channels/channels.service';
import { ChatsService } from '../chats/chats.service';
import { ContactsService } from '../contacts/contacts.service';
import { causeKey, EventCauses } from '../events/event-causes';
import { Outbox } from '../events/outbox';
import { MediaService } from '../media/media.service';
import { keyOfStoredMessage } from '../whatsapp/jid';
import { HistoryImport } from './history-import';
import { type ChannelOwner, inboundMessageRow, storedInboundRow, storeInboundMedia } from './inbound-message-row';
import { fromWire, isMediaMessage, mediaBodyOf, storedMessageOf, toWire } from './message-content';
import { toMessage } from './message.mapper';
import { MessageStatusService } from './message-status.service';
import { MessagesRepository, reactionTargetOf } from './messages.repository';
import { RecentlySent } from './recently-sent';

/** How long an inbound event waits for an unreachable database before it is given up (and logged). */
const DATABASE_WAIT_MS = 5 * 60_000;

/**
 * What the engine reports about messages: inbound messages (stored once per WhatsApp id, chat and contact
 * updated, then `message.received` or `message.reaction`), receipts (statuses of sent messages) and contacts.
 * Each channel's events are handled in arrival order.
 */
@Injectable()
export class InboundMessages implements OnModuleInit {
  private readonly logger = new Logger(InboundMessages.name);
  private readonly lanes = new KeyedLanes();
  private readonly owners = new Map<string, ChannelOwner>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly messaging: MessagingPort,
    private readonly messages: MessagesRepository,
    private readonly status: MessageStatusService,
    private readonly chats: ChatsService,
    private readonly contacts: ContactsService,
    private readonly outbox: Outbox,
    private readonly channels: ChannelsService,
    private readonly media: MediaService,
    private readonly causes: EventCauses,
    private readonly history: HistoryImport,
    private readonly recentlySent: RecentlySent,
  ) {}

  onModuleInit(): void {
    this.messaging.setMessageLookup(async (channelId, waMessageId) => {
      const row = await this.messages.findByWaId(channelId, waMessageId);
      if (!row || row.direction !== 'outbound') return undefined;
      const stored = storedMessageOf(row);
      if (isMediaMessage(stored)) return undefined;
      try {
        return toWire(stored, reactionTargetOf(row));
      } catch {
        return undefined;
      }
    });
    const apply = (channelId: string, event: MessagingEvent | ContactsEvent) =>
      this.lanes
        .run(channelId, () => this.handleWhileDatabaseReturns(channelId, event))
        .catch((error: unknown) =>
          this.logger.error({ err: error, channel_id: channelId, event: event.type }, 'message event not applied'),
        );
    this.sessions.onChannelEvent('messages', apply);
    this.sessions.onChannelEvent('contacts', apply);
  }

  /** Resolves once every event reported so far for the channel is applied (tests, shutdown). */
  async drained(channelId: string): Promise<void> {
    await this.lanes.drained(channelId);
  }

  /**
   * Baileys has already acknowledged the message to WhatsApp, which will not send it again: while the database
   * is unreachable (a restart, a failover) the event is tried again with a backoff, holding the channel's later
   * events behind it so their order is kept, for up to DATABASE_WAIT_MS. Storing is idempotent per WhatsApp id.
   */
  private handleWhileDatabaseReturns(channelId: string, event: MessagingEvent | ContactsEvent): Promise<void> {
    return whileDatabaseUnavailable(() => this.handle(channelId, event), {
      maxWaitMs: DATABASE_WAIT_MS,
      onWait: (error, attempt, delayMs) =>
        this.logger.warn(
          { err: error, channel_id: channelId, event: event.type, attempt, retry_in_ms: delayMs },
          'database unavailable; event kept',
        ),
    });
  }

  private async handle(channelId: string, event: MessagingEvent | ContactsEvent): Promise<void> {
    const owner = await this.owner(channelId);
    if (!owner) return;
    if (event.type === 'message') await this.receive(channelId, owner, event.message);
    else if (event.type === 'history') await this.history.store(channelId, owner, event.messages);
    else if (event.type === 'receipt') await this.receipt(channelId, event.receipt);
    else if (event.type === 'contacts') await this.contacts.learn(channelId, owner.customerId, event.contacts);
  }

  private async owner(channelId: string) {
    let owner = this.owners.get(channelId);
    if (!owner) {
      owner = (await this.channels.owner(channelId)) ?? undefined;
      if (owner) this.owners.set(channelId, owner);
    }
    return owner;
  }

  private async receipt(channelId: string, receipt: WireReceipt): Promise<void> {
    const row =
      (await this.recentlySent.find(channelId, receipt.key.waMessageId)) ??
      (await this.messages.findByWaId(channelId, receipt.key.waMessageId));
    if (!row || row.direction !== 'outbound') return;
    // A receipt reported through the sandbox API names that request as its cause; otherwise the send's applies.
    const cause = this.causes.take(causeKey.receipt(channelId, receipt.key.waMessageId, receipt.status));
    const updated = await this.status.advance(row, receipt.status, {
      reason: receipt.reason,
      correlationId: cause,
      refusedAfterSend: receipt.status === 'failed',
    });
    if (this.recentlySent.has(channelId, receipt.key.waMessageId)) this.recentlySent.remember(updated);
  }

  async receive(channelId: string, owner: ChannelOwner, message: InboundWireMessage): Promise<void> {
    // the echo of a message this process is sending: stored when it was accepted
    if (message.key.fromMe && this.recentlySent.has(channelId, message.key.waMessageId)) return;
    const stored = fromWire(message.content);
    if (message.download && isMediaMessage(stored)) {
      // Delivered twice (offline queue, retries): nothing to download again. Any other message is looked up by
      // its insert alone, which stores and announces nothing for one stored already.
      if (await this.messages.findByWaId(channelId, message.key.waMessageId)) return;
      await storeInboundMedia(this.media, this.logger, channelId, owner.customerId, message, mediaBodyOf(stored));
    }
    if (stored.type === 'reaction' && message.content.type === 'reaction') {
      const target = await this.messages.findByWaId(channelId, message.content.target.waMessageId);
      stored.content.reaction.message_id = target?.id ?? null;
    }
    const fromMe = message.key.fromMe;
    const at = new Date();
    const data = { ...inboundMessageRow(channelId, owner, message, stored), createdAt: at, updatedAt: at };
    const inboundKey = causeKey.inbound(channelId, message.key.waMessageId);
    // One statement: the message, and only if it is new (delivered twice by the offline queue or retries: stored
    // once, announced once), its chat's touch, its sender learnt and its event (Outbox.runAsOne).
    await this.outbox.runAsOne(
      (publish) => {
        // a story is history, not a conversation: status@broadcast gets no chat row
        const story = data.chatJid === STORY_CHAT;
        const riding = [
          story
            ? undefined
            : this.chats.touchAlong({
                channelId,
                customerId: owner.customerId,
                key: keyOfStoredMessage({ ...data, senderJid: data.senderJid ?? null }),
                at: message.timestamp,
                incoming: !fromMe,
              }),
          // the LID WhatsApp named beside the sender goes in the same write (the engine's contact report then changes nothing)
          !fromMe && message.senderJid
            ? this.contacts.learnAlong(channelId, owner.customerId, [
                { jid: message.senderJid, pushName: message.pushName, ...(message.senderLid ? { lid: message.senderLid } : {}) },
              ])
            : undefined,
        ].filter((statement) => statement !== undefined);
        if (!fromMe) {
          const row = storedInboundRow(data, at);
          // Only the media id is stored: signed links expire, so they are minted as the event is sent (MediaLinks).
          const payload = { message_id: row.id, chat_id: row.chatJid, message: toMessage(row) };
          // A message sent through the sandbox API was caused by that request (taken once it is stored); real traffic has no cause.
          const common = { customerId: owner.customerId, channelId, correlationId: this.causes.peek(inboundKey) };
          if (stored.type === 'reaction') publish({ type: 'message.reaction', payload, ...common });
          else publish({ type: 'message.received', payload: { ...payload, is_story: story }, ...common });
        }
        return { write: this.messages.insertStatement(data), riding };
      },
      () => this.causes.take(inboundKey),
    );
  }
}
