import { Injectable } from '@nestjs/common';
import { jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys';
import {
  PRIVACY_VALUES,
  type PrivacyCategory,
  type PrivacyChange,
  PrivacyPort,
  type PrivacySettings,
  type PrivacyValues,
} from '../../ports/privacy.port';
import { BaileysSockets } from '../baileys-sockets';

/** Each setting's category name on the wire (`<category name=… value=…/>`), as Baileys' setters send it. */
export const PRIVACY_WIRE_NAMES: Record<PrivacyCategory, string> = {
  lastSeen: 'last',
  online: 'online',
  profilePicture: 'profile',
  about: 'status',
  readReceipts: 'readreceipts',
  groupsAdd: 'groupadd',
  calls: 'calladd',
};

const CATEGORIES = Object.keys(PRIVACY_WIRE_NAMES) as PrivacyCategory[];

@Injectable()
export class BaileysPrivacy extends PrivacyPort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  fetch(channelId: string): Promise<PrivacySettings> {
    return this.sockets.call(channelId, 'privacy.fetch', async (socket) => {
      const [wire, disappearing] = await Promise.all([socket.fetchPrivacySettings(true), this.defaultDisappearing(socket)]);
      return { ...fromWire(wire), defaultDisappearingSeconds: disappearing };
    });
  }

  update(channelId: string, change: PrivacyChange): Promise<void> {
    return this.sockets.call(channelId, 'privacy.update', async (socket) => {
      for (const category of CATEGORIES) {
        const value = change[category];
        if (value !== undefined) await setters(socket)[category](value as never);
      }
      if (change.defaultDisappearingSeconds !== undefined) await socket.updateDefaultDisappearingMode(change.defaultDisappearingSeconds);
      // Baileys keeps the settings it read at login (it picks read or read-self receipts from them): refresh them
      await socket.fetchPrivacySettings(true);
    });
  }

  /** The account's default timer, as WhatsApp answers a usync `disappearing_mode` query about the account itself. */
  private async defaultDisappearing(socket: WASocket): Promise<number> {
    const me = socket.authState.creds.me;
    if (!me) return 0;
    const list = await socket.fetchDisappearingDuration(jidNormalizedUser(me.id));
    const first = list?.[0] as { disappearing_mode?: { duration?: number } } | undefined;
    const duration = first?.disappearing_mode?.duration;
    return typeof duration === 'number' && Number.isFinite(duration) ? duration : 0;
  }
}

function setters(socket: WASocket): Record<PrivacyCategory, (value: never) => Promise<void>> {
  return {
    lastSeen: socket.updateLastSeenPrivacy,
    online: socket.updateOnlinePrivacy,
    profilePicture: socket.updateProfilePicturePrivacy,
    about: socket.updateStatusPrivacy,
    readReceipts: socket.updateReadReceiptsPrivacy,
    groupsAdd: socket.updateGroupsAddPrivacy,
    calls: socket.updateCallPrivacy,
  };
}

/** WhatsApp's `{ [wire name]: value }` in the port's terms; a category or value the port does not know is left out. */
export function fromWire(wire: Record<string, string>): Partial<PrivacyValues> {
  const settings: Partial<Record<PrivacyCategory, string>> = {};
  for (const category of CATEGORIES) {
    const value = wire[PRIVACY_WIRE_NAMES[category]];
    if (value !== undefined && (PRIVACY_VALUES[category] as readonly string[]).includes(value)) settings[category] = value;
  }
  return settings as Partial<PrivacyValues>;
}
