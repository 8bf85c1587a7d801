import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { InboundWireMessage, WireReceipt } from '../../engine/message-content';
import { SessionEvent, SessionManager } from '../../engine/session-manager';
import { newId } from '../../platform/ids';
import { ChatsService } from '../chats/chats.service';
import { ContactsService } from '../contacts/contacts.service';
import type { DomainEvent } from '../events/domain-event';
import { EventsService } from '../events/events.service';
import { fromWire, toWire } from './message-content';
import { toMessage } from './message.mapper';
import { MessageStatusService } from './message-status.service';
import { MessageType } from './messages.contracts';
import { MessagesRepository } from './messages.repository';

/**
 * What the engine reports about messages: inbound messages (stored once per WhatsApp id, chat and contact
 * updated, then `message.received` or `message.reaction`), receipts (statuses of sent messages) and contacts.
 * Each channel's events are handled in arrival order.
 */
@Injectable()
export class InboundMessages implements OnModuleInit {
  private readonly logger = new Logger(InboundMessages.name);
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly owners = new Map<string, { customerId: string; mode: 'live' | 'test' }>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly messages: MessagesRepository,
    private readonly status: MessageStatusService,
    private readonly chats: ChatsService,
    private readonly contacts: ContactsService,
    private readonly events: EventsService,
  ) {}

  onModuleInit(): void {
    this.sessions.setMessageLookup(async (channelId, waMessageId) => {
      const row = await this.messages.findByWaId(channelId, waMessageId);
      if (!row || row.direction !== 'outbound') return undefined;
      try {
        return toWire(row.type as MessageType, row.content as Record<string, unknown>);
      } catch {
        return undefined;
      }
    });
    this.sessions.onEvent((channelId, event) => {
      if (event.type !== 'message' && event.type !== 'receipt' && event.type !== 'contacts') return;
      const previous = this.lanes.get(channelId) ?? Promise.resolve();
      const next = previous
        .then(() => this.handle(channelId, event))
        .catch((error: unknown) => this.logger.error({ err: error, channel_id: channelId, event: event.type }, 'message event not applied'));
      this.lanes.set(channelId, next);
      void next.finally(() => {
        if (this.lanes.get(channelId) === next) this.lanes.delete(channelId);
      });
    });
  }

  /** Resolves once every event reported so far for the channel is applied (tests, shutdown). */
  async drained(channelId: string): Promise<void> {
    await this.lanes.get(channelId);
  }

  private async handle(channelId: string, event: SessionEvent): Promise<void> {
    const owner = await this.owner(channelId);
    if (!owner) return;
    if (event.type === 'message') await this.receive(channelId, owner, event.message);
    else if (event.type === 'receipt') await this.receipt(channelId, event.receipt);
    else if (event.type === 'contacts') await this.contacts.learn(channelId, owner.customerId, event.contacts);
  }

  private async owner(channelId: string) {
    let owner = this.owners.get(channelId);
    if (!owner) {
      owner = (await this.messages.channelOwner(channelId)) ?? undefined;
      if (owner) this.owners.set(channelId, owner);
    }
    return owner;
  }

  private async receipt(channelId: string, receipt: WireReceipt): Promise<void> {
    const row = await this.messages.findByWaId(channelId, receipt.key.waMessageId);
    if (!row || row.direction !== 'outbound') return;
    await this.status.advance(row, receipt.status, { reason: receipt.reason });
  }

  async receive(channelId: string, owner: { customerId: string; mode: 'live' | 'test' }, message: InboundWireMessage): Promise<void> {
    const { type, content } = fromWire(message.content);
    if (message.content.type === 'reaction') {
      const target = await this.messages.findByWaId(channelId, message.content.target.waMessageId);
      (content.reaction as Record<string, unknown>).message_id = target?.id ?? null;
    }
    const fromMe = message.key.fromMe;
    const published: DomainEvent[] = [];
    await this.messages.transaction(async (tx) => {
      const id = newId('msg');
      const inserted = await this.messages.insertIfNew(tx, {
        id,
        customerId: owner.customerId,
        channelId,
        mode: owner.mode,
        // Sent from the phone (or another linked device) rather than through the gateway.
        direction: fromMe ? 'outbound' : 'inbound',
        chatJid: message.key.chatJid,
        senderJid: fromMe ? null : message.senderJid,
        type,
        content: content as object,
        status: fromMe ? 'sent' : 'received',
        waMessageId: message.key.waMessageId,
        pushName: fromMe ? null : (message.pushName ?? null),
        waTimestamp: message.timestamp,
        sentAt: fromMe ? message.timestamp : null,
      });
      if (!inserted) return; // delivered twice (offline queue, retries): stored once, announced once
      await this.chats.touch(tx, { channelId, customerId: owner.customerId, jid: message.key.chatJid, at: message.timestamp, incoming: !fromMe });
      if (!fromMe && message.senderJid) {
        await this.contacts.learnInTransaction(tx, channelId, owner.customerId, { jid: message.senderJid, pushName: message.pushName });
      }
      if (fromMe) return;
      const row = (await this.messages.find(id, tx))!;
      published.push(
        await this.events.publishInTransaction(tx, {
          type: type === 'reaction' ? 'message.reaction' : 'message.received',
          customerId: owner.customerId,
          channelId,
          payload: toMessage(row),
        }),
      );
    });
    await this.events.committed(published);
  }
}
