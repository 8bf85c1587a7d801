import { Injectable } from '@nestjs/common';
import { jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys';
import { AppError } from '../../../platform/errors/app-error';
import { withStorableText } from '../../../platform/storable-text';
import { type OwnProfile, ProfilePort } from '../../ports/profile.port';
import { BaileysSockets } from '../baileys-sockets';

const PICTURE_TIMEOUT_MS = 5_000;
/** The platforms WhatsApp reports at pairing for the WhatsApp Business app (Android, iOS). */
const BUSINESS_PLATFORMS = new Set(['smba', 'smbi']);

@Injectable()
export class BaileysProfile extends ProfilePort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  async fetchOwn(channelId: string): Promise<OwnProfile> {
    const profile = await this.sockets.call(channelId, 'profile.fetch', async (socket) => {
      const me = ownJids(socket);
      const [status, pictureUrl] = await Promise.all([
        socket.fetchStatus(me.jid).then((list) => aboutOf(list)),
        socket.profilePictureUrl(me.jid, 'image', PICTURE_TIMEOUT_MS).then(
          (url) => url ?? null,
          (error: unknown) => {
            // no picture set: WhatsApp answers 404
            if (statusOf(error) === 404) return null;
            throw error;
          },
        ),
      ]);
      const platform = socket.authState.creds.platform;
      return {
        ...me,
        name: socket.user?.name ?? socket.authState.creds.me?.name ?? null,
        about: status,
        pictureUrl,
        business: platform ? BUSINESS_PLATFORMS.has(platform) : false,
      };
    });
    return withStorableText(profile);
  }

  setName(channelId: string, name: string): Promise<void> {
    return this.sockets.call(channelId, 'profile.set_name', (socket) => socket.updateProfileName(name));
  }

  setAbout(channelId: string, about: string): Promise<void> {
    return this.sockets.call(channelId, 'profile.set_about', (socket) => socket.updateProfileStatus(about));
  }

  setPicture(channelId: string, image: Buffer): Promise<void> {
    return this.sockets.call(channelId, 'profile.set_picture', async (socket) => {
      await socket.updateProfilePicture(ownJids(socket).jid, image).catch((error: unknown) => {
        // the image library could not read the bytes: the caller's input, not WhatsApp's refusal
        if (statusOf(error) === undefined && isUnreadableImage(error)) {
          throw new AppError('invalid_request', 'The picture is not an image WhatsApp can take (JPEG, PNG, WebP, GIF or TIFF).', {
            details: { reason: 'unreadable_image' },
          });
        }
        throw error;
      });
    });
  }

  removePicture(channelId: string): Promise<void> {
    return this.sockets.call(channelId, 'profile.remove_picture', (socket) => socket.removeProfilePicture(ownJids(socket).jid));
  }
}

function ownJids(socket: WASocket): { jid: string; lid: string | null } {
  const me = socket.authState.creds.me;
  if (!me) throw new AppError('channel_unavailable', 'The channel is not logged in to WhatsApp.', { details: { reason: 'not_connected' } });
  return { jid: jidNormalizedUser(me.id), lid: me.lid ? jidNormalizedUser(me.lid) : null };
}

/** `fetchStatus` answers `[{ id, status: { status, setAt } }]`; an empty text is no about text. */
export function aboutOf(list: unknown): string | null {
  const first = Array.isArray(list) ? (list[0] as { status?: { status?: unknown } } | undefined) : undefined;
  const text = first?.status?.status;
  return typeof text === 'string' && text.length > 0 ? text : null;
}

/** WhatsApp's code of a refused IQ (Baileys raises it as a Boom with the code in `data`). */
function statusOf(error: unknown): number | undefined {
  const boom = error as { isBoom?: unknown; data?: unknown } | null;
  return boom?.isBoom === true && typeof boom.data === 'number' ? boom.data : undefined;
}

/** sharp's (and jimp's) words for input it cannot decode. */
function isUnreadableImage(error: unknown): boolean {
  return error instanceof Error && /unsupported image format|input buffer|corrupt|vips|could not find mime/i.test(error.message);
}
