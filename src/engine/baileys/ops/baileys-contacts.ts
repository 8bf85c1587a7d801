import { Injectable } from '@nestjs/common';
import { withStorableText } from '../../../platform/storable-text';
import type { ContactProfile } from '../../message-content';
import { ContactsPort } from '../../ports/contacts.port';
import { AppError } from '../../../platform/errors/app-error';
import { iqErrorCode } from '../baileys-errors';
import { BaileysSockets } from '../baileys-sockets';

const PROFILE_PART_TIMEOUT_MS = 5_000;

@Injectable()
export class BaileysContacts extends ContactsPort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  /**
   * About text and picture are optional parts of a profile: WhatsApp answering that there is none, or that the
   * contact hides it from this account, is reported as null. Any other failure (no answer in time, an error on
   * WhatsApp's side) fails the request: reported as "none", it would be stored over what the gateway knew, and a
   * number WhatsApp did not answer for would read as not on WhatsApp.
   */
  async fetchProfile(channelId: string, jid: string): Promise<ContactProfile> {
    const profile = await this.sockets.call(channelId, 'contacts.profile', async (socket) => {
      const [about, picture] = await Promise.all([
        socket.fetchStatus(jid).then((result) => {
          // Baileys resolves undefined when WhatsApp did not answer in time
          if (result === undefined) throw unanswered('about');
          return statusText(result);
        }, noneOrThrow),
        socket.profilePictureUrl(jid, 'image', PROFILE_PART_TIMEOUT_MS).then((url) => {
          // a picture that is not there is answered with an error (404), not an empty answer
          if (url === undefined) throw unanswered('picture');
          return url;
        }, noneOrThrow),
      ]);
      let exists = true;
      if (jid.endsWith('@s.whatsapp.net')) {
        const found = await socket.onWhatsApp(jid);
        if (found === undefined) throw unanswered('on_whatsapp');
        exists = Boolean(found[0]?.exists);
      }
      return { jid, exists, about, pictureUrl: picture };
    });
    // what a contact wrote is made storable like every event's text (see storable-text.ts)
    return withStorableText(profile);
  }
}

/** WhatsApp's refusals that mean "nothing to show": none set (404), or hidden from this account (401). */
function noneOrThrow(error: unknown): null {
  const code = iqErrorCode(error);
  if (code === 401 || code === 404) return null;
  throw error;
}

function unanswered(part: string): AppError {
  return new AppError('channel_unavailable', 'WhatsApp did not answer in time.', {
    details: { reason: 'whatsapp_timeout', operation: 'contacts.profile', part },
  });
}

function statusText(result: unknown): string | null {
  const first = Array.isArray(result) ? (result[0] as { status?: { status?: string } | string } | undefined) : undefined;
  const status = first?.status;
  if (typeof status === 'string') return status;
  return status?.status ?? null;
}
