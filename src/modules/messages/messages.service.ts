import { Inject, Injectable } from '@nestjs/common';
import { SessionManager } from '../../engine/session-manager';
import { MessagingPort } from '../../engine/ports/messaging.port';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { STORY_CHAT } from '../../engine/ports/stories.port';
import type { Transaction } from '../../platform/database/transactions';
import { AppError } from '../../platform/errors/app-error';
import { parseOrThrow } from '../../platform/http/parse';
import { waitPreference, WaitPreference } from '../../platform/http/prefer';
import { idOf, isIdOf } from '../../platform/ids';
import { decodeCursor, toPage } from '../../platform/pagination';
import { ApiKeyPrincipal } from '../auth/principal';
import type { ChannelRef } from '../channels/channels.contracts';
import { keyOfStoredMessage, parseChat } from '../whatsapp/jid';
import type { StoredMessage } from './message-content';
import { toMessage } from './message.mapper';
import { MessageStatusService } from './message-status.service';
import { ListMessagesQuery, MESSAGE_TYPES, SendMessageInput, sendMessageSchema } from './messages.contracts';
import { MessageRow, MessagesRepository } from './messages.repository';
import { SendMessage, SendResult } from './usecases/send-message.usecase';

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly sendMessage: SendMessage,
    private readonly status: MessageStatusService,
    private readonly sessions: SessionManager,
    private readonly messaging: MessagingPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** How long a send waits for its message to go out: what the request's `Prefer` header asks, within the cap. */
  waitOf(prefer: string | string[] | undefined): WaitPreference {
    return waitPreference(prefer, this.config.messages.sendWaitMs, this.config.messages.sendMaxWaitMs);
  }

  /** The typed alias: the path gives the type, the body the rest. */
  sendTyped(channel: ChannelRef, type: string, body: unknown, requestId: string, waitMs = 0): Promise<SendResult> {
    if (!(MESSAGE_TYPES as readonly string[]).includes(type)) {
      throw new AppError('invalid_request', `Unknown message type "${type}".`, {
        details: { issues: [{ path: ['type'], code: 'invalid_value', message: `must be one of ${MESSAGE_TYPES.join(', ')}` }] },
      });
    }
    const input = parseOrThrow(sendMessageSchema, { ...(typeof body === 'object' && body !== null ? body : {}), type });
    return this.send(channel, input, requestId, waitMs);
  }

  /** On a channel that accepts sends (ChannelAccessGuard checks it). */
  send(channel: ChannelRef, input: SendMessageInput, requestId: string, waitMs = 0): Promise<SendResult> {
    return this.sendMessage.execute(channel, input, requestId, waitMs);
  }

  /** One channel's history, or (without one) every channel the key may see. */
  async list(key: ApiKeyPrincipal, channel: ChannelRef | undefined, query: ListMessagesQuery) {
    const scope = channel ? channel.id : (key.channelId ?? undefined);
    const rows = await this.messages.list(
      {
        customerId: key.customerId,
        mode: key.mode,
        channelId: scope,
        // stories (status@broadcast) are history too, under that chat
        chatJid: query.chat ? (query.chat.trim() === STORY_CHAT ? STORY_CHAT : parseChat(query.chat, ['chat'])) : undefined,
        direction: query.direction,
        type: query.type,
        status: query.status,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      },
      decodeCursor(query.cursor, idOf('msg')),
      query.limit + 1,
    );
    return toPage(rows, query.limit, toMessage);
  }

  async get(channel: ChannelRef, messageId: string) {
    return toMessage(await this.require(channel.id, messageId));
  }

  /** The stored message WhatsApp knows by `waMessageId` on the channel, in the API's shape; null when not stored. */
  async findByWaId(channelId: string, waMessageId: string) {
    const row = await this.messages.findByWaId(channelId, waMessageId);
    return row ? toMessage(row) : null;
  }

  /** Marks an inbound message read: the read receipt goes to the sender, the status becomes `read`. */
  async markRead(channel: ChannelRef, messageId: string, requestId: string) {
    const row = await this.require(channel.id, messageId);
    if (row.direction !== 'inbound') {
      throw new AppError('invalid_request', 'Only received messages can be marked read.', {
        details: { issues: [{ path: ['messageId'], code: 'invalid_value', message: 'not an inbound message' }] },
      });
    }
    if (row.status === 'read') return toMessage(row);
    await this.messaging.readMessages(channel.id, [keyOfStoredMessage(row)]);
    return toMessage(await this.status.markInboundRead(row, requestId));
  }

  /**
   * For the stories module: a story the channel posts, kept in history (chat status@broadcast, outbound) in the
   * caller's transaction before it is sent, so the engine's echo of the send is the same message. `sending`
   * until `storyPosted` or `storyFailed`.
   */
  async recordOwnStory(
    tx: Transaction,
    channel: ChannelRef,
    story: { id: string; waMessageId: string; message: StoredMessage; correlationId: string | null },
  ): Promise<void> {
    await this.messages.insertIfNew(tx, {
      id: story.id,
      customerId: channel.customerId,
      channelId: channel.id,
      mode: channel.mode,
      direction: 'outbound',
      chatJid: STORY_CHAT,
      type: story.message.type,
      content: story.message.content,
      status: 'sending',
      waMessageId: story.waMessageId,
      waTimestamp: new Date(),
      correlationId: story.correlationId,
    });
  }

  /** WhatsApp took the story: `sent` (message.sent), stamped with WhatsApp's time. */
  async storyPosted(messageId: string, at: Date): Promise<void> {
    const row = await this.messages.find(messageId);
    if (row) await this.status.advance(row, 'sent', { at });
  }

  /** The story's send failed: `failed` (message.failed), with the reason. */
  async storyFailed(messageId: string, reason: string): Promise<void> {
    const row = await this.messages.find(messageId);
    if (row) await this.status.advance(row, 'failed', { reason });
  }

  private async require(channelId: string, messageId: string): Promise<MessageRow> {
    const row = isIdOf('msg', messageId) ? await this.messages.find(messageId) : null;
    if (!row || row.channelId !== channelId) throw new AppError('not_found', `No message ${messageId} on this channel.`);
    return row;
  }
}
