import { randomBytes } from 'crypto';
import { type BinaryNode, jidEncode, type proto } from '@whiskeysockets/baileys';
import { type PreKeyBundle, SimDevice } from '../phone/sim-device';
import type { Connection } from '../transport/connection';
import type { ReceiptEvent, ReceivedMessage } from '../types';
import { AppStateStore } from './app-state';
import { defaultPrivacy, type PrivacySettings, type ProfilePicture } from './account-settings';
import { BusinessState } from './business';

/** What the server keeps about a linked companion device: public keys only. */
export interface Companion {
  deviceId: number;
  jid: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  registrationId: number;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  /** One-time pre-keys uploaded by the client and not handed out yet. */
  preKeys: Map<number, Buffer>;
  keyIndex: number;
  platform: string;
  /** The WhatsApp Web version announced at the last login. */
  appVersion?: string;
  /** The phone still owes the app-state key share and history notification. */
  needsBootstrap: boolean;
  connection?: Connection;
  /** True once the current connection announced itself active; stanzas flow directly. */
  online: boolean;
  offline: BinaryNode[];
}

/**
 * How WhatsApp addresses an account to others: by its LID (as it now does for most accounts; the phone
 * number travels beside it in `sender_pn`/`participant_pn` and `phone_number` attributes), or by its phone
 * number (older chats, and what a test may ask for).
 */
export type Addressing = 'lid' | 'pn';

/** Who may add the account to a group (WhatsApp's privacy setting "Groups"); the others must invite it. */
export type GroupAddPrivacy = 'everyone' | 'contacts' | 'nobody';

/** A phone number: its simulated primary phone and the companions linked to it. */
export class Account {
  readonly jid: string;
  readonly phoneDevice: SimDevice;
  readonly lidUser: string;
  readonly companions = new Map<number, Companion>();
  readonly appStateKey = { keyId: randomBytes(6), keyData: randomBytes(32) };
  /** The app-state collections the server keeps for the account (labels, archive, pin, mute, …). */
  readonly appState = new AppStateStore(this.appStateKey);
  /** Messages this account's simulated phone received and decrypted. */
  readonly inbox: ReceivedMessage[] = [];
  /** Recent 1:1 messages this account's phone sent, kept to answer retry receipts. */
  readonly sentByPhone = new Map<string, { to: string; message: proto.IMessage; mediatype?: string }>();
  /** Privacy tokens this account's companions issued, by the jid they were issued to. */
  readonly issuedPrivacyTokens = new Map<string, { type: string; t: number; times: number }>();
  /** Receipts companions sent for messages this account's phone sent. */
  readonly receipts: ReceiptEvent[] = [];
  /** Phone-number user jids in this phone's address book (what `groupAddPrivacy: 'contacts'` allows). */
  readonly contacts = new Set<string>();
  /** Privacy settings by their wire names (`last`, `groupadd`, …). */
  readonly privacy: PrivacySettings = defaultPrivacy();
  about: { text: string; t: number } | null = null;
  picture: ProfilePicture | null = null;
  /** Failures WhatsApp answers the next reads of this account's picture with (a fault the tests inject). */
  readonly pictureReadFailures: Array<{ code: number; text: string }> = [];
  /** The disappearing timer new chats start with (seconds, 0 = off) and when it was set. */
  defaultDisappearing = { duration: 0, t: 0 };
  /** Phone-number user jids of the people this account blocked. */
  readonly blocked = new Set<string>();
  /** Runs the WhatsApp Business app (pairing reports its platform, and the name is the business name). */
  business = false;
  /**
   * How long the phone takes to send a newly linked companion its app-state key (and then the history): real
   * phones take a moment, during which the companion is connected but cannot change chat settings or labels.
   */
  keyShareDelayMs = 0;
  /** The business profile, catalog and orders WhatsApp keeps for a WhatsApp Business account. */
  readonly businessState = new BusinessState();
  presence: { state: 'available' | 'unavailable'; lastSeen: number } = {
    state: 'unavailable',
    lastSeen: Math.floor(Date.now() / 1000),
  };
  private nextDeviceId = 1;
  private nextKeyIndex = 1;

  constructor(
    readonly phone: string,
    public pushName: string,
    public addressing: Addressing = 'lid',
  ) {
    this.jid = jidEncode(phone, 's.whatsapp.net');
    this.phoneDevice = new SimDevice(phone, 0);
    this.lidUser = `${BigInt('0x' + randomBytes(6).toString('hex')) % 10n ** 14n}`;
  }

  /** The "Groups" privacy setting in the group code's terms (`contact_blacklist` counts as contacts). */
  get groupAddPrivacy(): GroupAddPrivacy {
    const value = this.privacy.groupadd;
    return value === 'all' ? 'everyone' : value === 'none' ? 'nobody' : 'contacts';
  }

  set groupAddPrivacy(value: GroupAddPrivacy) {
    this.privacy.groupadd = value === 'everyone' ? 'all' : value === 'nobody' ? 'none' : 'contacts';
  }

  allocateDevice(): { deviceId: number; keyIndex: number } {
    return { deviceId: this.nextDeviceId++, keyIndex: this.nextKeyIndex++ };
  }

  deviceJid(deviceId: number): string {
    return jidEncode(this.phone, 's.whatsapp.net', deviceId || undefined);
  }

  lid(deviceId: number): string {
    return jidEncode(this.lidUser, 'lid', deviceId || undefined);
  }

  /** The user LID, e.g. `123456789012345@lid`. */
  get lidJid(): string {
    return this.lid(0);
  }

  /** How others see one of this account's devices: its LID when LID-addressed, else its phone-number jid. */
  wireJid(deviceId = 0): string {
    return this.addressing === 'lid' ? this.lid(deviceId) : this.deviceJid(deviceId);
  }

  /**
   * The attributes naming this account's device as a sender: the device's jid as the account is addressed,
   * and beside it the account's other identity (a user jid, no device), which is how clients learn the pair.
   */
  senderAttrs(deviceId: number, name: 'from' | 'participant'): Record<string, string> {
    const alt = name === 'from' ? 'sender' : 'participant';
    return this.addressing === 'lid'
      ? { [name]: this.lid(deviceId), [`${alt}_pn`]: this.jid }
      : { [name]: this.deviceJid(deviceId), [`${alt}_lid`]: this.lidJid };
  }

  /** Whether a jid (phone number or LID, any device) names this account. */
  owns(jid: string): boolean {
    const [user, server] = jid.split('@');
    const bare = user.split(':')[0];
    return server === 'lid' ? bare === this.lidUser : bare === this.phone;
  }
}

export class AccountRegistry {
  private readonly accounts = new Map<string, Account>();
  private readonly byLid = new Map<string, Account>();

  constructor(private readonly defaultAddressing: Addressing = 'lid') {}

  create(phone: string, pushName?: string, addressing?: Addressing): Account {
    const normalized = normalizePhone(phone);
    const existing = this.accounts.get(normalized);
    if (existing) {
      if (pushName) {
        existing.pushName = pushName;
      }
      if (addressing) {
        existing.addressing = addressing;
      }
      return existing;
    }
    const account = new Account(normalized, pushName ?? `User ${normalized.slice(-4)}`, addressing ?? this.defaultAddressing);
    this.accounts.set(normalized, account);
    this.byLid.set(account.lidUser, account);
    return account;
  }

  /** The account a LID (`123@lid`, `123:4@lid` or the bare user) belongs to. */
  getByLid(lid: string): Account | undefined {
    return this.byLid.get(lid.split('@')[0].split(':')[0]);
  }

  /** By phone number, phone-number jid, or LID jid. */
  get(phoneOrJid: string): Account | undefined {
    if (isLid(phoneOrJid)) {
      return this.getByLid(phoneOrJid);
    }
    return this.accounts.get(normalizePhone(phoneOrJid));
  }

  require(phone: string): Account {
    const account = this.get(phone);
    if (!account) {
      throw new Error(`no account for ${phone}`);
    }
    return account;
  }

  all(): Account[] {
    return [...this.accounts.values()];
  }
}

export function isLid(jid: string): boolean {
  return jid.endsWith('@lid');
}

/** Accepts "+1 555 000-1111", "15550001111" or a jid; returns the digits. */
export function normalizePhone(phone: string): string {
  const user = phone.split('@')[0].split(':')[0];
  const digits = user.replace(/\D/g, '');
  if (!digits) {
    throw new Error(`not a phone number: ${phone}`);
  }
  return digits;
}

/** A companion's pre-key bundle as the server hands it out: each one-time pre-key only once. */
export function takeCompanionBundle(companion: Companion): PreKeyBundle {
  const next = companion.preKeys.entries().next();
  let preKey: PreKeyBundle['preKey'];
  if (!next.done) {
    const [keyId, publicKey] = next.value;
    companion.preKeys.delete(keyId);
    preKey = { keyId, publicKey };
  }
  return {
    registrationId: companion.registrationId,
    identityKey: companion.identityKey,
    signedPreKey: companion.signedPreKey,
    preKey,
  };
}
