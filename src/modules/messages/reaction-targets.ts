import { Injectable } from '@nestjs/common';
import type { WireMessageKey } from '../../engine/message-content';
import { AppError } from '../../platform/errors/app-error';
import { isIdOf } from '../../platform/ids';
import { keyOfStoredMessage } from '../whatsapp/jid';
import { MessagesRepository } from './messages.repository';

/** A reaction names the message it reacts to by its id in this API; WhatsApp needs that message's key. */
@Injectable()
export class ReactionTargets {
  constructor(private readonly messages: MessagesRepository) {}

  /** The key of a message of this chat; invalid_request on `reaction.message_id` for any other. */
  async resolve(channelId: string, chatJid: string, messageId: string): Promise<WireMessageKey> {
    const target = isIdOf('msg', messageId) ? await this.messages.find(messageId) : null;
    if (!target || target.channelId !== channelId || target.chatJid !== chatJid) {
      throw new AppError('invalid_request', 'Invalid reaction.message_id: no such message in this chat.', {
        details: {
          issues: [{ path: ['reaction', 'message_id'], code: 'not_found', message: 'no message with this id in the chat given by `to`' }],
        },
      });
    }
    return keyOfStoredMessage(target);
  }
}
