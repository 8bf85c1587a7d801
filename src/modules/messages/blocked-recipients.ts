import { Injectable } from '@nestjs/common';
import { BlocklistPort } from '../../engine/ports/blocklist.port';
import { TimeoutError, withTimeout } from '../../platform/async';
import { AppError } from '../../platform/errors/app-error';
import { isGroupJid, isNewsletterJid } from '../whatsapp/jid';

/**
 * How long a send waits for the blocklist: it is in memory where the socket lives, a routed call away
 * otherwise, and a worker that just died answers nothing until its lease lapses (the call's own timeout is
 * WORKER_CALL_TIMEOUT_MS, 30 s), which must not hold the 202.
 */
const BLOCKLIST_CHECK_MS = 1_000;

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
    const check = this.blocklist.isBlocked(channelId, to).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'channel_unavailable') return false;
      throw error;
    });
    const blocked = await withTimeout(check, BLOCKLIST_CHECK_MS, 'the blocklist check').catch((error: unknown) => {
      if (!(error instanceof TimeoutError)) throw error;
      check.catch(() => undefined);
      return false;
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
