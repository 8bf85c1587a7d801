import { Injectable, Logger } from '@nestjs/common';
import type { ChatChange, WireMessageKey } from '../../engine/message-content';
import { ChannelOwners } from '../../engine/calls/channel-owners';
import { ChatsPort } from '../../engine/ports/chats.port';
import type { Prisma, RidingStatement } from '../../platform/database';
import type { Transaction } from '../../platform/database/transactions';
import { AppError } from '../../platform/errors/app-error';
import { decodeCursor, PageQuery, toPage } from '../../platform/pagination';
import type { ChannelRef } from '../channels/channels.contracts';
import { Outbox } from '../events/outbox';
import { isJid, parseChat } from '../whatsapp/jid';
import { ChatRow, ChatsRepository, ChatTouch, touchFrom, touchStatement } from './chats.repository';
import { toChat, UpdateChatInput } from './chats.contracts';

/**
 * Chat metadata kept gateway-side (WhatsApp has no "list my chats"): created by traffic, changed by PATCH,
 * which is also applied on WhatsApp (app-state patches) when the channel is connected. Deletions are local.
 */
@Injectable()
export class ChatsService {
  private readonly logger = new Logger(ChatsService.name);

  constructor(
    private readonly chats: ChatsRepository,
    private readonly owners: ChannelOwners,
    private readonly whatsapp: ChatsPort,
    private readonly outbox: Outbox,
  ) {}

  /** For the messages module: a message passed through the chat (inside its transaction). */
  touch(tx: Transaction, input: ChatTouch): Promise<void> {
    return this.chats.touch(tx, [input]);
  }

  /** The touch as a statement that rides on the one storing the message (a send's one round trip). */
  touchAlong(input: ChatTouch): RidingStatement {
    return (firstParameter, onlyIf) => touchStatement([input], firstParameter, onlyIf);
  }

  /**
   * The touch of the chats of rows `t` another statement gives (see `touchFrom`), as SQL riding on it: sends
   * stored together touch their chats in the statement that stores them.
   */
  touchFromRows(from: string): string {
    return touchFrom(from);
  }

  /** Several chats at once, each named once (a part of the phone's history). */
  touchAll(tx: Transaction, inputs: ChatTouch[]): Promise<void> {
    return this.chats.touch(tx, inputs);
  }

  async list(channel: ChannelRef, query: PageQuery & { archived?: boolean; pinned?: boolean }) {
    const rows = await this.chats.list(channel.id, query, decodeCursor(query.cursor, isJid), query.limit + 1);
    return toPage(rows, query.limit, toChat, (row) => row.jid);
  }

  async get(channel: ChannelRef, chatId: string) {
    return toChat(await this.require(channel.id, chatId));
  }

  async update(channel: ChannelRef, chatId: string, input: UpdateChatInput, requestId?: string) {
    const before = await this.require(channel.id, chatId);
    const data: Prisma.ChatUncheckedUpdateInput = {};
    const changes: ChatChange[] = [];
    if (input.pinned !== undefined) {
      data.pinned = input.pinned;
      changes.push({ pin: input.pinned });
    }
    if (input.archived !== undefined) {
      data.archived = input.archived;
      changes.push({ archive: input.archived });
    }
    if (input.muted_until !== undefined) {
      const until = input.muted_until === null ? null : new Date(input.muted_until);
      data.mutedUntil = until;
      changes.push({ muteUntil: until });
    }
    if (input.unread !== undefined) {
      data.markedUnread = input.unread;
      if (!input.unread) data.unreadCount = 0;
      changes.push({ markUnread: input.unread });
    }
    if (input.ephemeral_seconds !== undefined) {
      data.ephemeralSeconds = input.ephemeral_seconds;
      changes.push({ ephemeralSeconds: input.ephemeral_seconds });
    }

    const row = await this.outbox.run(
      async (tx, publish) => {
        const updated = await this.chats.upsert(channel.id, channel.customerId, before.jid, data, tx);
        const types: Array<'chat.updated' | 'chat.archived' | 'chat.pinned'> = ['chat.updated'];
        if (input.archived !== undefined && input.archived !== before.archived) types.push('chat.archived');
        if (input.pinned !== undefined && input.pinned !== before.pinned) types.push('chat.pinned');
        for (const type of types) {
          publish({
            type,
            customerId: channel.customerId,
            channelId: channel.id,
            payload: { chat_id: updated.jid, chat: toChat(updated), changed: Object.keys(input) as Array<keyof UpdateChatInput> },
            correlationId: requestId ?? null,
          });
        }
        return updated;
      },
      { prisma: true },
    );

    let appliedOnWhatsApp = false;
    if (await this.owners.reachable(channel.id)) {
      try {
        const anchor = anchorOf(before);
        for (const change of changes) await this.whatsapp.modify(channel.id, before.jid, change, anchor);
        appliedOnWhatsApp = true;
      } catch (error) {
        this.logger.warn({ err: error, channel_id: channel.id }, 'chat change kept locally, not applied on WhatsApp');
      }
    }
    return { ...toChat(row), applied_on_whatsapp: appliedOnWhatsApp };
  }

  async remove(channel: ChannelRef, chatId: string) {
    const before = await this.require(channel.id, chatId);
    const row = await this.chats.upsert(channel.id, channel.customerId, before.jid, { deletedAt: new Date() });
    return toChat(row);
  }

  private async require(channelId: string, chatId: string): Promise<ChatRow> {
    // Express has decoded the path segment once already; decoding again would read %2540 as @ (and throw on %).
    const jid = parseChat(chatId, ['chat_id']);
    const row = await this.chats.find(channelId, jid);
    if (!row || row.deletedAt) throw new AppError('not_found', `No chat ${chatId} on this channel.`);
    return row;
  }
}

/** The chat's newest message, which WhatsApp anchors chat changes on; none for a chat without one stored. */
function anchorOf(chat: ChatRow): { key: WireMessageKey; timestamp: Date } | undefined {
  if (!chat.lastMessageWaId || chat.lastMessageFromMe === null || !chat.lastMessageAt) return undefined;
  const participant = chat.lastMessageParticipant ? { participant: chat.lastMessageParticipant } : {};
  return {
    key: { chatJid: chat.jid, waMessageId: chat.lastMessageWaId, fromMe: chat.lastMessageFromMe, ...participant },
    timestamp: chat.lastMessageAt,
  };
}
