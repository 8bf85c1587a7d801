import { Inject, Injectable, Logger } from '@nestjs/common';
import { Semaphore } from 'async-mutex';
import type { InboundWireMessage, WireContact } from '../../engine/message-content';
import { STORY_CHAT } from '../../engine/ports/stories.port';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config';
import type { Prisma } from '../../platform/database';
import { Transactions } from '../../platform/database/transactions';
import { ChatsService } from '../chats/chats.service';
import { ContactsService } from '../contacts/contacts.service';
import { MediaService } from '../media/media.service';
import { keyOfStoredMessage } from '../whatsapp/jid';
import { type ChannelOwner, inboundMessageRow, storeInboundMedia } from './inbound-message-row';
import { fromWire, isMediaMessage, mediaBodyOf, type StoredMessage } from './message-content';
import { type MessageRow, MessagesRepository } from './messages.repository';

/** How long storing one part of the history may hold its transaction: hundreds of rows while every new channel imports
 * at once can take longer than the 5 s a transaction gets by default. */
const HISTORY_TRANSACTION_MS = 60_000;

/**
 * The history the phone hands a new companion: thousands of messages at once (a real account's sync carries
 * hundreds of conversations), the account's past rather than traffic. A part of it is stored in one transaction:
 * one lookup of the ids already stored, one multi-row insert, then one statement for the conversations (each one's latest
 * message, never unread) and one for the senders, instead of a transaction per message. Nothing is
 * announced: no `message.received` for what the phone already showed its user.
 *
 * Parts are stored at most half the database pool at a time, whatever the number of channels importing: a
 * hundred new channels each holding a connection for its history left none for the API (a `connect` waited
 * for one past Prisma's 2 s and failed) nor for live messages. The rest of the parts wait their turn in memory.
 */
@Injectable()
export class HistoryImport {
  private readonly logger = new Logger(HistoryImport.name);
  private readonly slots: Semaphore;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly chats: ChatsService,
    private readonly contacts: ContactsService,
    private readonly media: MediaService,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.slots = new Semaphore(Math.max(1, Math.floor(config.databasePoolSize / 2)));
  }

  store(channelId: string, owner: ChannelOwner, batch: InboundWireMessage[]): Promise<void> {
    return this.slots.runExclusive(() => this.storeNow(channelId, owner, batch));
  }

  private async storeNow(channelId: string, owner: ChannelOwner, batch: InboundWireMessage[]): Promise<void> {
    const known = await this.messages.knownWaIds(
      channelId,
      batch.map((m) => m.key.waMessageId),
    );
    const fresh = new Map<string, InboundWireMessage>();
    for (const message of batch) {
      const waId = message.key.waMessageId;
      if (!known.has(waId) && !fresh.has(waId)) fresh.set(waId, message);
    }
    if (fresh.size === 0) return;

    const rows: Array<{ row: Prisma.MessageCreateManyInput; message: InboundWireMessage; stored: StoredMessage }> = [];
    const idsByWaId = new Map<string, string>();
    for (const message of fresh.values()) {
      const stored = fromWire(message.content);
      // media in the history are downloaded as live ones are
      if (message.download && isMediaMessage(stored)) {
        await storeInboundMedia(this.media, this.logger, channelId, owner.customerId, message, mediaBodyOf(stored));
      }
      const row = inboundMessageRow(channelId, owner, message, stored);
      idsByWaId.set(message.key.waMessageId, row.id);
      rows.push({ row, message, stored });
    }
    // a reaction names the gateway's id of its target, which may be in this very part of the history
    for (const { message, stored } of rows) {
      if (stored.type !== 'reaction' || message.content.type !== 'reaction') continue;
      const targetWaId = message.content.target.waMessageId;
      stored.content.reaction.message_id = idsByWaId.get(targetWaId) ?? (await this.messages.findByWaId(channelId, targetWaId))?.id ?? null;
    }

    await this.transactions.run(
      async (tx) => {
        const inserted = await this.messages.insertManyIfNew(
          tx,
          rows.map(({ row }) => row),
        );
        await this.chats.touchAll(
          tx,
          latestPerChat(inserted).map((row) => ({
            channelId,
            customerId: owner.customerId,
            key: keyOfStoredMessage(row),
            at: row.waTimestamp,
            incoming: false,
          })),
        );
        await this.contacts.learnInTransaction(tx, channelId, owner.customerId, sendersOf(inserted));
      },
      { timeoutMs: HISTORY_TRANSACTION_MS },
    );
  }
}

/** Each conversation's latest message among the stored ones (a story is no conversation). */
function latestPerChat(rows: MessageRow[]): MessageRow[] {
  const latest = new Map<string, MessageRow>();
  for (const row of rows) {
    if (row.chatJid === STORY_CHAT) continue;
    const seen = latest.get(row.chatJid);
    if (!seen || row.waTimestamp >= seen.waTimestamp) latest.set(row.chatJid, row);
  }
  return [...latest.values()];
}

/** The people who wrote the stored messages, each with the latest name and LID their messages carried. */
function sendersOf(rows: MessageRow[]): WireContact[] {
  const senders = new Map<string, WireContact>();
  const ordered = [...rows].sort((a, b) => a.waTimestamp.getTime() - b.waTimestamp.getTime());
  for (const row of ordered) {
    if (row.direction !== 'inbound' || !row.senderJid) continue;
    const seen = senders.get(row.senderJid) ?? { jid: row.senderJid };
    senders.set(row.senderJid, {
      ...seen,
      ...(row.pushName ? { pushName: row.pushName } : {}),
      ...(row.senderLid ? { lid: row.senderLid } : {}),
    });
  }
  return [...senders.values()];
}
