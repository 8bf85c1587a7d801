import { Inject, Injectable } from '@nestjs/common';
import type { WireContent } from '../../engine/message-content';
import { SessionManager } from '../../engine/session-manager';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { EgressGuard, EgressRefusedError } from '../../platform/egress/egress-guard';
import { AppError } from '../../platform/errors/app-error';
import { parseOrThrow } from '../../platform/http/parse';
import { idOf, isIdOf, newId } from '../../platform/ids';
import { decodeCursor, toPage } from '../../platform/pagination';
import { ApiKeyPrincipal } from '../auth/principal';
import type { ChannelRef } from '../channels/channels.contracts';
import { ChatsService } from '../chats/chats.service';
import { MediaService } from '../media/media.service';
import { MessageDispatcher } from './message-dispatcher';
import { contentOf, parseRecipient, StoredContent } from './message-content';
import { presentable, toMessage } from './message.mapper';
import { MessageStatusService } from './message-status.service';
import { CONTENT_SCHEMAS, ListMessagesQuery, MEDIA_TYPES, MESSAGE_TYPES, MessageStatus, MessageType, SendMessageInput, sendMessageSchema } from './messages.contracts';
import { MessageRow, MessagesRepository } from './messages.repository';

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly dispatcher: MessageDispatcher,
    private readonly status: MessageStatusService,
    private readonly chats: ChatsService,
    private readonly sessions: SessionManager,
    private readonly media: MediaService,
    private readonly guard: EgressGuard,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The typed alias: the path gives the type, the body the rest. */
  sendTyped(channel: ChannelRef, type: string, body: unknown, requestId: string) {
    if (!(MESSAGE_TYPES as readonly string[]).includes(type)) {
      throw new AppError('invalid_request', `Unknown message type "${type}".`, {
        details: { issues: [{ path: ['type'], code: 'invalid_value', message: `must be one of ${MESSAGE_TYPES.join(', ')}` }] },
      });
    }
    const input = parseOrThrow(sendMessageSchema, { ...(typeof body === 'object' && body !== null ? body : {}), type });
    return this.send(channel, input, requestId);
  }

  /** On a channel that accepts sends (ChannelAccessGuard checks it). */
  async send(channel: ChannelRef, input: SendMessageInput, requestId: string) {
    const chatJid = parseRecipient(input.to);
    const content = contentOf(input);
    if (input.type === 'reaction') await this.resolveReaction(channel.id, chatJid, content);
    const mediaId = await this.checkMedia(channel.id, input);
    if (input.client_ref) {
      const existing = await this.messages.findByClientRef(channel.id, input.client_ref);
      if (existing && this.insideWindow(existing)) return this.result(existing);
    }

    const row = await this.insert(channel, chatJid, input, content, requestId);
    if ('repeated' in row) return this.result(row.repeated);
    if (mediaId) await this.media.markUsed(mediaId);

    // The row is the queue: a failed enqueue is only a delay (the sweeper queues it).
    const waiting = this.status.waitForProgress(row.id, this.config.messages.sendWaitMs);
    await this.dispatcher.enqueue(row.id);
    const progressed = await waiting;
    const current = progressed ?? (await this.messages.find(row.id)) ?? row;
    // A fresh send answers queued or sent (a receipt may already have moved it further).
    const fresh = this.result(current);
    return ['delivered', 'read'].includes(fresh.status) ? { ...fresh, status: 'sent' as const } : fresh;
  }

  private async insert(channel: ChannelRef, chatJid: string, input: SendMessageInput, content: StoredContent, requestId: string): Promise<MessageRow | { repeated: MessageRow }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = new Date();
      const id = newId('msg');
      // ON CONFLICT DO NOTHING on (channel, client_ref): of concurrent repeats exactly one inserts.
      const inserted = await this.messages.transaction(async (tx) => {
        const fresh = await this.messages.insertIfNew(tx, {
          id,
          customerId: channel.customerId,
          channelId: channel.id,
          mode: channel.mode,
          direction: 'outbound',
          chatJid,
          type: input.type,
          content: content as object,
          status: 'queued',
          waMessageId: this.sessions.newMessageId(),
          clientRef: input.client_ref ?? null,
          clientRefKey: input.client_ref ?? null,
          correlationId: requestId,
          waTimestamp: now,
        });
        if (!fresh) return null;
        await this.chats.touch(tx, { channelId: channel.id, customerId: channel.customerId, jid: chatJid, at: now, incoming: false });
        return this.messages.find(id, tx);
      });
      if (inserted) return inserted;
      if (!input.client_ref) continue; // a WhatsApp id collision: draw another
      // A concurrent or earlier request holds this client_ref: the original answers, unless it expired.
      const existing = await this.messages.findByClientRef(channel.id, input.client_ref);
      if (!existing) continue;
      if (this.insideWindow(existing)) return { repeated: existing };
      await this.messages.retireClientRef(existing.id, this.windowStart());
    }
    throw new AppError('concurrent_modification', 'The client_ref is being reused concurrently; retry.');
  }

  private windowStart(): Date {
    return new Date(Date.now() - this.config.messages.clientRefWindowHours * 3_600_000);
  }

  private insideWindow(row: MessageRow): boolean {
    return row.createdAt.getTime() >= this.windowStart().getTime();
  }

  private result(row: MessageRow): { message_id: string; client_ref: string | null; status: MessageStatus } {
    return { message_id: row.id, client_ref: row.clientRef, status: row.status === 'sending' ? 'queued' : (row.status as MessageStatus) };
  }

  /**
   * A media_id must name media of this channel usable as the message's type; a source_url must be one the
   * egress guard allows, checked now as the media route checks it, rather than failing the message later.
   */
  private async checkMedia(channelId: string, input: SendMessageInput): Promise<string | undefined> {
    if (!(MEDIA_TYPES as readonly string[]).includes(input.type)) return undefined;
    const { media_id: mediaId, source_url: sourceUrl } = (input as unknown as Record<string, { media_id?: string; source_url?: string }>)[input.type];
    if (sourceUrl) this.assertSourceAllowed(input.type, sourceUrl);
    if (!mediaId) return undefined;
    const media = await this.media.find(mediaId, channelId);
    const problem = !media ? 'no media with this id on the channel' : !media.kinds.includes(input.type as never) ? `this media (${media.mimeType}) cannot be sent as ${input.type}` : null;
    if (problem) {
      throw new AppError('invalid_request', `Invalid ${input.type}.media_id: ${problem}.`, {
        details: { issues: [{ path: [input.type, 'media_id'], code: 'invalid_value', message: problem }] },
      });
    }
    return mediaId;
  }

  private assertSourceAllowed(type: string, url: string): void {
    try {
      this.guard.assertAllowedUrl(url);
    } catch (error) {
      if (!(error instanceof EgressRefusedError)) throw error;
      throw new AppError('invalid_request', `Invalid ${type}.source_url: ${error.message}.`, {
        details: { reason: 'egress_refused', issues: [{ path: [type, 'source_url'], code: 'egress_refused', message: `refused by the egress guard: ${error.message}` }] },
      });
    }
  }

  /** A reaction names the message by its id in this API; the engine needs its WhatsApp key. */
  private async resolveReaction(channelId: string, chatJid: string, content: StoredContent): Promise<void> {
    const reaction = content.reaction as { message_id: string; emoji: string };
    const target = isIdOf('msg', reaction.message_id) ? await this.messages.find(reaction.message_id) : null;
    if (!target || target.channelId !== channelId || target.chatJid !== chatJid) {
      throw new AppError('invalid_request', 'Invalid reaction.message_id: no such message in this chat.', {
        details: { issues: [{ path: ['reaction', 'message_id'], code: 'not_found', message: 'no message with this id in the chat given by `to`' }] },
      });
    }
    const fromMe = target.direction === 'outbound';
    content.reaction = {
      ...reaction,
      target: {
        chat_jid: target.chatJid,
        wa_message_id: target.waMessageId,
        from_me: fromMe,
        ...(target.chatJid.endsWith('@g.us') && !fromMe && target.senderJid ? { participant: target.senderJid } : {}),
      },
    };
  }

  /**
   * What a simulated contact sends for a sandbox inbound request: the same shapes as a send, resolved the
   * same way (reactions name a message of this channel, media is fetched from source_url).
   */
  async contentForContact(channel: { id: string; customerId: string }, contactJid: string, input: SendMessageInput): Promise<WireContent> {
    const content = contentOf(input);
    if (input.type === 'reaction') await this.resolveReaction(channel.id, contactJid, content);
    return this.dispatcher.wireContentOf(input.type, content, channel.customerId);
  }

  /** Outbound messages of the channel by WhatsApp id (the sandbox outbox names them). */
  findByWaIds(channelId: string, waMessageIds: string[]) {
    return this.messages.findManyByWaIds(channelId, waMessageIds);
  }

  /** Chats this channel sent to. */
  recipients(channelId: string): Promise<string[]> {
    return this.messages.outboundChats(channelId);
  }

  /** An outbound message of the channel, for sandbox receipts. */
  async outbound(channelId: string, messageId: string): Promise<MessageRow> {
    const row = isIdOf('msg', messageId) ? await this.messages.find(messageId) : null;
    if (!row || row.channelId !== channelId || row.direction !== 'outbound') {
      throw new AppError('invalid_request', 'Invalid message_id: no message this channel sent.', {
        details: { issues: [{ path: ['message_id'], code: 'not_found', message: 'no outbound message with this id on the channel' }] },
      });
    }
    return row;
  }

  /** One channel's history, or (without one) every channel the key may see. */
  async list(key: ApiKeyPrincipal, channel: ChannelRef | undefined, query: ListMessagesQuery) {
    const scope = channel ? channel.id : (key.channelId ?? undefined);
    const rows = await this.messages.list(
      {
        customerId: key.customerId,
        mode: key.mode,
        channelId: scope,
        chatJid: query.chat ? parseRecipient(query.chat, ['chat']) : undefined,
        direction: query.direction,
        type: query.type,
        status: query.status,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      },
      decodeCursor(query.cursor, idOf('msg')),
      query.limit + 1,
    );
    return toPage(rows, query.limit, (row) => presentable(toMessage(row)));
  }

  async get(channel: ChannelRef, messageId: string) {
    return presentable(toMessage(await this.require(channel.id, messageId)));
  }

  /** Marks an inbound message read: the read receipt goes to the sender, the status becomes `read`. */
  async markRead(channel: ChannelRef, messageId: string, requestId: string) {
    const row = await this.require(channel.id, messageId);
    if (row.direction !== 'inbound') {
      throw new AppError('invalid_request', 'Only received messages can be marked read.', {
        details: { issues: [{ path: ['messageId'], code: 'invalid_value', message: 'not an inbound message' }] },
      });
    }
    if (row.status === 'read') return presentable(toMessage(row));
    const isGroup = row.chatJid.endsWith('@g.us');
    await this.sessions.readMessages(channel.id, [
      { chatJid: row.chatJid, waMessageId: row.waMessageId, fromMe: false, ...(isGroup && row.senderJid ? { participant: row.senderJid } : {}) },
    ]);
    return presentable(toMessage(await this.status.markInboundRead(row, requestId)));
  }

  private async require(channelId: string, messageId: string): Promise<MessageRow> {
    const row = isIdOf('msg', messageId) ? await this.messages.find(messageId) : null;
    if (!row || row.channelId !== channelId) throw new AppError('not_found', `No message ${messageId} on this channel.`);
    return row;
  }
}

export const CONTENT_TYPES = Object.keys(CONTENT_SCHEMAS) as MessageType[];
