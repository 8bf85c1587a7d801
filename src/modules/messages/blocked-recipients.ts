import { Injectable } from '@nestjs/common';
import { BlocklistPort } from '../../engine/ports/blocklist.port';
import { AppError } from '../../platform/errors/app-error';
import { isGroupJid, isNewsletterJid } from '../whatsapp/jid';

/**
 * WhatsApp takes a message to a contact the account blocked and never delivers it (its apps refuse to send
 * one), so a send asks the live blocklist first and is refused plainly. Groups and newsletters are not blocked.
 */
@Injectable()
export class BlockedRecipients {
  constructor(private readonly blocklist: BlocklistPort) {}

  /** When WhatsApp cannot be asked now (the socket is going, no answer in time) the send goes on as before. */
  async assertNotBlocked(channelId: string, to: string): Promise<void> {
    if (isGroupJid(to) || isNewsletterJid(to)) return;
    const blocked = await this.blocklist.isBlocked(channelId, to).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'channel_unavailable') return false;
      throw error;
    });
    if (!blocked) return;
    throw new AppError(
      'invalid_request',
      'Invalid to: the channel has blocked this contact; unblock it (DELETE /blocklist/{contact}) to write to it.',
      {
        details: {
          reason: 'recipient_blocked',
          issues: [{ path: ['to'], code: 'recipient_blocked', message: 'the channel has blocked this contact' }],
        },
      },
    );
  }
}
