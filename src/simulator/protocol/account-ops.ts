import { randomBytes } from 'crypto';
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { MediaHost } from '../media/media-host';
import {
  acceptsPrivacyValue,
  lastSeenShown,
  onlineShown,
  type PrivacyName,
  type PrivacySettings,
  shownTo,
} from '../state/account-settings';
import type { Account, Companion } from '../state/accounts';
import type { Network } from './network';
import { unixNow } from './nodes';

/** The disappearing timers WhatsApp offers as an account's default (seconds, 0 = off). */
export const DEFAULT_DISAPPEARING_TIMERS = [0, 86_400, 604_800, 7_776_000];

/** A request WhatsApp refuses, with the IQ error code and text it answers. */
export class AccountRefusal extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`${code} ${text}`);
  }
}

/** What a viewer is shown of an account's profile, under the account's privacy settings and blocklist. */
export interface ProfileView {
  name: string;
  about: string | null;
  pictureUrl: string | null;
  /** Unix seconds; null when hidden (or online now). */
  lastSeen: number | null;
  online: boolean | null;
}

/**
 * An account's own settings changed by its companions (IQs) or by its phone (control API), the same way:
 * stored, told to the account's other devices as WhatsApp tells them (`account_sync` notifications), and
 * applied to what others are shown.
 */
export class AccountOps {
  constructor(
    private readonly net: Network,
    private readonly media: MediaHost,
  ) {}

  // privacy

  setPrivacy(account: Account, changes: { name: string; value: string | undefined }[], by?: Companion): void {
    for (const { name, value } of changes) {
      if (!acceptsPrivacyValue(name, value)) throw new AccountRefusal(400, 'bad-request');
    }
    for (const { name, value } of changes) (account.privacy as Record<PrivacyName, string>)[name as PrivacyName] = value!;
    const categories = changes.map(({ name, value }) => ({ tag: 'category', attrs: { name, value: value! } }));
    this.accountSync(account, { tag: 'privacy', attrs: {}, content: categories }, by);
  }

  setDefaultDisappearing(account: Account, duration: number, by?: Companion): void {
    if (!DEFAULT_DISAPPEARING_TIMERS.includes(duration)) throw new AccountRefusal(400, 'bad-request');
    account.defaultDisappearing = { duration, t: Number(unixNow()) };
    this.accountSync(
      account,
      { tag: 'disappearing_mode', attrs: { duration: duration.toString(), t: account.defaultDisappearing.t.toString() } },
      by,
    );
  }

  // blocklist

  /** Blocks or unblocks the user a jid (phone number or LID) names; unknown users are refused (404). */
  setBlocked(account: Account, jid: string, action: string, by?: Companion): void {
    const target = this.net.accounts.get(jid);
    if (action !== 'block' && action !== 'unblock') throw new AccountRefusal(400, 'bad-request');
    if (!target || target === account) throw new AccountRefusal(404, 'item-not-found');
    if (action === 'block') account.blocked.add(target.jid);
    else account.blocked.delete(target.jid);
    this.accountSync(account, { tag: 'blocklist', attrs: {}, content: [{ tag: 'item', attrs: { jid: blockedJid(target), action } }] }, by);
  }

  /** The blocklist as WhatsApp lists it: LID-addressed users by LID, the others by phone number. */
  blocklist(account: Account): string[] {
    return [...account.blocked].map((jid) => {
      const target = this.net.accounts.get(jid);
      return target ? blockedJid(target) : jid;
    });
  }

  // profile

  setAbout(account: Account, text: string): void {
    account.about = text ? { text, t: Number(unixNow()) } : null;
  }

  /** Sets (a JPEG) or removes (null) the account's picture; answers the new picture id. */
  setPicture(account: Account, jpeg: Buffer | null, by?: Companion): string | undefined {
    if (jpeg) {
      const stored = this.media.put(jpeg, 'pp');
      account.picture = { id: `${Math.floor(Date.now() / 1000)}${randomBytes(2).readUInt16BE(0)}`, jpeg, ...stored };
    } else {
      account.picture = null;
    }
    const child: BinaryNode = account.picture
      ? { tag: 'set', attrs: { jid: account.wireJid(), id: account.picture.id, author: account.wireJid() } }
      : { tag: 'delete', attrs: { jid: account.wireJid(), author: account.wireJid() } };
    // the account's other devices, and the people who have its number, learn that the picture changed
    const watchers = this.net.accounts.all().filter((other) => other !== account && other.contacts.has(account.jid));
    for (const companion of [...account.companions.values(), ...watchers.flatMap((w) => [...w.companions.values()])]) {
      if (companion !== by) this.net.deliver(companion, this.net.notification(account.wireJid(), 'picture', [child]));
    }
    return account.picture?.id;
  }

  /** The picture as `viewer` may see it: 404 without one, 401 when privacy or a block hides it. */
  pictureFor(owner: Account, viewer: Account) {
    if (owner !== viewer && (blockedBetween(owner, viewer) || !shownTo(owner.privacy.profile, owner.contacts, viewer.jid))) {
      throw new AccountRefusal(401, 'not-authorized');
    }
    if (!owner.picture) throw new AccountRefusal(404, 'item-not-found');
    return owner.picture;
  }

  /** The about text as `viewer` may see it: `hidden` under privacy or a block. */
  aboutFor(owner: Account, viewer: Account): { text: string; t: number } | null | 'hidden' {
    if (owner !== viewer && (blockedBetween(owner, viewer) || !shownTo(owner.privacy.status, owner.contacts, viewer.jid))) {
      return 'hidden';
    }
    return owner.about;
  }

  view(owner: Account, viewer: Account): ProfileView {
    const presence = presenceStanza(owner, viewer);
    const about = this.aboutFor(owner, viewer);
    let pictureUrl: string | null = null;
    try {
      pictureUrl = this.pictureFor(owner, viewer).url;
    } catch (error) {
      if (!(error instanceof AccountRefusal)) throw error;
    }
    return {
      name: owner.pushName,
      about: about === 'hidden' ? null : (about?.text ?? null),
      pictureUrl,
      lastSeen: presence.attrs.last && presence.attrs.last !== 'deny' ? Number(presence.attrs.last) : null,
      online: presence.attrs.type === 'available',
    };
  }

  /** `<notification type="account_sync">` to the account's devices, but the one that made the change. */
  private accountSync(account: Account, child: BinaryNode, by?: Companion): void {
    for (const companion of account.companions.values()) {
      if (companion !== by) this.net.deliver(companion, this.net.notification(account.jid, 'account_sync', [child]));
    }
  }
}

/** Whether WhatsApp carries nothing between the two: either blocked the other. */
export function blockedBetween(a: Account, b: Account): boolean {
  return a.blocked.has(b.jid) || b.blocked.has(a.jid);
}

/** The presence stanza `viewer` is sent about `owner`: online and last seen only as the settings allow. */
export function presenceStanza(owner: Account, viewer: Account | undefined): BinaryNode {
  const attrs: Record<string, string> = { from: owner.wireJid(), type: owner.presence.state };
  const privacy: PrivacySettings = owner.privacy;
  const blocked = viewer ? blockedBetween(owner, viewer) : false;
  const seesOnline = !blocked && (!viewer || onlineShown(privacy, owner.contacts, viewer.jid));
  const seesLastSeen = !blocked && (!viewer || lastSeenShown(privacy, owner.contacts, viewer.jid));
  if (owner.presence.state === 'available' && !seesOnline) attrs.type = 'unavailable';
  if (attrs.type === 'unavailable') attrs.last = seesLastSeen ? owner.presence.lastSeen.toString() : 'deny';
  return { tag: 'presence', attrs };
}

/** Whether `from` sends read receipts to `to`: not when either turned them off (1:1 chats; groups always get them). */
export function sendsReadReceipts(from: Account, to: Account): boolean {
  return from.privacy.readreceipts !== 'none' && to.privacy.readreceipts !== 'none';
}

function blockedJid(account: Account): string {
  return account.addressing === 'lid' ? account.lidJid : account.jid;
}
