import { Inject, Injectable } from '@nestjs/common';
import type { WireMessageKey } from '../../../engine/message-content';
import { ChannelOwners } from '../../../engine/calls/channel-owners';
import { MessagingPort } from '../../../engine/ports/messaging.port';
import { APP_CONFIG, AppConfig } from '../../../platform/config/app-config';
import { Batcher } from '../../../platform/batcher';
import { isDatabaseUnavailable } from '../../../platform/database';
import { EgressGuard, EgressRefusedError } from '../../../platform/egress/egress-guard';
import { AppError } from '../../../platform/errors/app-error';
import { newId } from '../../../platform/ids';
import { assertAcceptsSends } from '../../channels/channel-need';
import type { ChannelRef } from '../../channels/channels.contracts';
import { ChatsService } from '../../chats/chats.service';
import { MediaService } from '../../media/media.service';
import { isNewsletterJid, parseChat } from '../../whatsapp/jid';
import { BlockedRecipients } from '../blocked-recipients';
import { MessageDispatcher } from '../message-dispatcher';
import { contentOf, isMediaMessage, mediaBodyOf, StoredMessage } from '../message-content';
import { MessageStatusService } from '../message-status.service';
import { MessageStatus, SendMessageInput } from '../messages.contracts';
import { MessageRow, MessagesRepository, type OutboundInsert } from '../messages.repository';
import { ReactionTargets } from '../reaction-targets';

/**
 * A message to a newsletter is a post, sent in plaintext to WhatsApp, which numbers it and hands it to the
 * followers. Reactions to posts are not messages there (they name the post's server id): they have a route of
 * their own.
 */
function assertPostable(message: StoredMessage): void {
  if (message.type !== 'reaction') return;
  throw new AppError(
    'invalid_request',
    'Invalid type: a reaction to a newsletter post is sent with PUT /v1/channels/{channelId}/newsletters/{newsletterId}/messages/{serverId}/reaction.',
    {
      details: {
        reason: 'newsletter_reaction',
        issues: [{ path: ['type'], code: 'newsletter_reaction', message: 'react to a post through the newsletter routes' }],
      },
    },
  );
}

/** Sends in one statement at most; more wait for the next. */
const INSERT_BATCH = 100;
/** Statements storing sends at once: a second one goes while the first commits. */
const INSERT_CONCURRENCY = 2;

export interface SendResult {
  message_id: string;
  client_ref: string | null;
  status: MessageStatus;
}

/**
 * Accepts a message for sending: checks what it names (the reaction's message, the media), stores it once per
 * client_ref inside its window, queues it, and answers; it waits for the message to go out only as long as the
 * client asked (`Prefer: wait`). The stored row is the queue: a failed enqueue is only a delay, the sweeper
 * queues what is stored.
 */
@Injectable()
export class SendMessage {
  /**
   * Sends stored together: those accepted while a statement is storing others go in the next one, so that sends
   * to one chat share a commit instead of queueing for its row one commit after another; at rest a send is stored
   * at once. A statement refused for one send's values (not for an unreachable database) runs again send by send.
   */
  private readonly inserts = new Batcher<OutboundInsert, MessageRow | null>(
    (sends) => this.messages.insertOutboundIfNew(sends, (from) => this.chats.touchFromRows(from)),
    { maxSize: INSERT_BATCH, concurrency: INSERT_CONCURRENCY, isolate: (error) => !isDatabaseUnavailable(error) },
  );

  constructor(
    private readonly messages: MessagesRepository,
    private readonly reactions: ReactionTargets,
    private readonly chats: ChatsService,
    private readonly media: MediaService,
    private readonly guard: EgressGuard,
    private readonly owners: ChannelOwners,
    private readonly messaging: MessagingPort,
    private readonly dispatcher: MessageDispatcher,
    private readonly status: MessageStatusService,
    private readonly blocked: BlockedRecipients,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** On an active channel (ChannelAccessGuard); a repeat within the client_ref window answers before the state is checked. */
  async execute(channel: ChannelRef, input: SendMessageInput, requestId: string, waitMs = 0): Promise<SendResult> {
    const chatJid = parseChat(input.to);
    const message = contentOf(input);
    if (isNewsletterJid(chatJid)) assertPostable(message);
    // A send's reaction always names a message (the send schema requires it); stored ones may not.
    const reactionTarget =
      message.type === 'reaction' ? await this.reactions.resolve(channel.id, chatJid, message.content.reaction.message_id!) : null;
    const mediaId = await this.checkMedia(channel.id, message);
    if (input.client_ref) {
      const existing = await this.messages.findByClientRef(channel.id, input.client_ref);
      if (existing && this.insideWindow(existing)) return resultOf(existing);
    }
    assertAcceptsSends(channel);
    // WhatsApp takes a message to a contact the channel blocked and never delivers it: refused here instead
    if (await this.owners.reachable(channel.id)) await this.blocked.assertNotBlocked(channel.id, chatJid);

    const row = await this.insert(channel, chatJid, message, reactionTarget, input.client_ref, requestId);
    if ('repeated' in row) return resultOf(row.repeated);
    if (mediaId) await this.media.markUsed(mediaId);

    if (waitMs <= 0) {
      await this.dispatcher.start(row.id, row.channelId);
      return resultOf(row);
    }
    const waiting = this.status.waitForProgress(row.id, waitMs);
    await this.dispatcher.start(row.id, row.channelId);
    const progressed = await waiting;
    const current = progressed ?? (await this.messages.find(row.id)) ?? row;
    // A fresh send answers queued or sent (a receipt may already have moved it further).
    const fresh = resultOf(current);
    return ['delivered', 'read'].includes(fresh.status) ? { ...fresh, status: 'sent' } : fresh;
  }

  private async insert(
    channel: ChannelRef,
    chatJid: string,
    message: StoredMessage,
    reactionTarget: WireMessageKey | null,
    clientRef: string | undefined,
    requestId: string,
  ): Promise<MessageRow | { repeated: MessageRow }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      // ON CONFLICT DO NOTHING on (channel, client_ref): of concurrent repeats exactly one inserts, and only it
      // touches the chat, in the same statement (which may store other sends beside it).
      const inserted = await this.inserts.submit({
        id: newId('msg'),
        customerId: channel.customerId,
        channelId: channel.id,
        mode: channel.mode,
        direction: 'outbound',
        chatJid,
        type: message.type,
        content: message.content,
        reactionTarget: reactionTarget ? { ...reactionTarget } : null,
        status: 'queued',
        waMessageId: this.messaging.newMessageId(),
        clientRef: clientRef ?? null,
        clientRefKey: clientRef ?? null,
        correlationId: requestId,
        waTimestamp: new Date(),
      });
      if (inserted) return inserted;
      if (!clientRef) continue; // a WhatsApp id collision: draw another
      // A concurrent or earlier request holds this client_ref: the original answers, unless it expired.
      const existing = await this.messages.findByClientRef(channel.id, clientRef);
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

  /**
   * A media_id must name media of this channel usable as the message's type; a source_url must be one the
   * egress guard allows, checked now as the media route checks it, rather than failing the message later.
   */
  private async checkMedia(channelId: string, message: StoredMessage): Promise<string | undefined> {
    if (!isMediaMessage(message)) return undefined;
    const { type } = message;
    const { media_id: mediaId, source_url: sourceUrl } = mediaBodyOf(message);
    if (sourceUrl) this.assertSourceAllowed(type, sourceUrl);
    if (!mediaId) return undefined;
    const media = await this.media.find(mediaId, channelId);
    const problem = !media
      ? 'no media with this id on the channel'
      : !media.kinds.includes(type)
        ? `this media (${media.mimeType}) cannot be sent as ${type}`
        : null;
    if (problem) {
      throw new AppError('invalid_request', `Invalid ${type}.media_id: ${problem}.`, {
        details: { issues: [{ path: [type, 'media_id'], code: 'invalid_value', message: problem }] },
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
        details: {
          reason: 'egress_refused',
          issues: [{ path: [type, 'source_url'], code: 'egress_refused', message: `refused by the egress guard: ${error.message}` }],
        },
      });
    }
  }
}

/** What a send answers: `sending` is still `queued` to the client. */
export function resultOf(row: MessageRow): SendResult {
  return { message_id: row.id, client_ref: row.clientRef, status: row.status === 'sending' ? 'queued' : (row.status as MessageStatus) };
}
