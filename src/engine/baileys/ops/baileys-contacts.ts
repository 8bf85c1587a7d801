import { Injectable } from '@nestjs/common';
import { withStorableText } from '../../../platform/storable-text';
import type { ContactProfile } from '../../message-content';
import { ContactsPort } from '../../ports/contacts.port';
import { BaileysSockets } from '../baileys-sockets';

const PROFILE_PART_TIMEOUT_MS = 5_000;

@Injectable()
export class BaileysContacts extends ContactsPort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  /** About text and picture are optional parts of a profile: one WhatsApp refuses (privacy) is reported as null. */
  async fetchProfile(channelId: string, jid: string): Promise<ContactProfile> {
    const profile = await this.sockets.call(channelId, 'contacts.profile', async (socket) => {
      const [about, picture] = await Promise.all([
        socket.fetchStatus(jid).then(
          (r) => statusText(r),
          () => null,
        ),
        socket.profilePictureUrl(jid, 'image', PROFILE_PART_TIMEOUT_MS).then(
          (url) => url ?? null,
          () => null,
        ),
      ]);
      let exists = true;
      if (jid.endsWith('@s.whatsapp.net')) {
        const found = await socket.onWhatsApp(jid).catch(() => undefined);
        exists = Boolean(found?.[0]?.exists);
      }
      return { jid, exists, about, pictureUrl: picture };
    });
    // what a contact wrote is made storable like every event's text (see storable-text.ts)
    return withStorableText(profile);
  }
}

function statusText(result: unknown): string | null {
  const first = Array.isArray(result) ? (result[0] as { status?: { status?: string } | string } | undefined) : undefined;
  const status = first?.status;
  if (typeof status === 'string') return status;
  return status?.status ?? null;
}
