import { Injectable } from '@nestjs/common';
import type { WireContent } from '../../engine/message-content';
import { AppError } from '../../platform/errors/app-error';
import { isIdOf } from '../../platform/ids';
import { contentOf } from './message-content';
import { SendMessageInput } from './messages.contracts';
import { MessageRow, MessagesRepository } from './messages.repository';
import { OutboundContentResolver } from './outbound-content.resolver';
import { ReactionTargets } from './reaction-targets';

/**
 * What the sandbox needs of messages, kept off MessagesService: the content a simulated contact sends, and
 * reads of what the channel sent (the sandbox's outbox and receipts).
 */
@Injectable()
export class MessagesSandboxFacade {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly content: OutboundContentResolver,
    private readonly reactions: ReactionTargets,
  ) {}

  /**
   * What a simulated contact sends for a sandbox inbound request: the same shapes as a send, resolved the
   * same way (reactions name a message of this channel, media is fetched from source_url).
   */
  async contentForContact(channel: { id: string; customerId: string }, contactJid: string, input: SendMessageInput): Promise<WireContent> {
    const message = contentOf(input);
    const reactionTarget =
      message.type === 'reaction' ? await this.reactions.resolve(channel.id, contactJid, message.content.reaction.message_id!) : null;
    return this.content.wireContentOf(message, { customerId: channel.customerId, reactionTarget });
  }

  /** Messages of the channel by WhatsApp id (the sandbox outbox names them). */
  findByWaIds(channelId: string, waMessageIds: string[]): Promise<MessageRow[]> {
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
}
