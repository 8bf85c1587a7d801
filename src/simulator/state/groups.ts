import { randomInt } from 'crypto';
import { jidEncode } from '@whiskeysockets/baileys';
import type { Account } from './accounts';

export type GroupRole = 'admin' | 'superadmin' | null;

export interface Group {
  /** Full group jid, e.g. "120363012345678901@g.us". */
  jid: string;
  subject: string;
  subjectOwner: string;
  subjectTime: number;
  creation: number;
  creator: string;
  description?: string;
  /**
   * How the group names its members on the wire: `lid` (LIDs, with `phone_number` beside them), as WhatsApp
   * runs groups now, or `pn` (phone-number jids, with `lid` beside them).
   */
  addressingMode: 'lid' | 'pn';
  /** Member phone-number user jid → role (kept by phone number inside; shown per `addressingMode`). */
  participants: Map<string, GroupRole>;
  /** Sender key distribution already done, per sending device: which devices hold its key. */
  senderKeysSent: Map<string, Set<string>>;
}

export class GroupRegistry {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly addressingMode: 'lid' | 'pn' = 'lid') {}

  create(subject: string, creator: string, members: string[]): Group {
    const now = Math.floor(Date.now() / 1000);
    const id = `1203630${randomInt(10 ** 9, 10 ** 10 - 1)}${randomInt(10 ** 4, 10 ** 5 - 1)}`;
    const participants = new Map<string, GroupRole>([[creator, 'superadmin']]);
    for (const member of members) {
      if (!participants.has(member)) {
        participants.set(member, null);
      }
    }
    const group: Group = {
      jid: jidEncode(id, 'g.us'),
      subject,
      subjectOwner: creator,
      subjectTime: now,
      creation: now,
      creator,
      addressingMode: this.addressingMode,
      participants,
      senderKeysSent: new Map(),
    };
    this.groups.set(group.jid, group);
    return group;
  }

  get(jid: string): Group | undefined {
    return this.groups.get(jid.includes('@') ? jid : jidEncode(jid, 'g.us'));
  }

  require(jid: string): Group {
    const group = this.get(jid);
    if (!group) {
      throw new Error(`no group ${jid}`);
    }
    return group;
  }

  of(userJid: string): Group[] {
    return [...this.groups.values()].filter((g) => g.participants.has(userJid));
  }

  delete(jid: string): void {
    this.groups.delete(jid);
  }
}

/** The sender of a group message as the group names its members. */
export function groupSenderAttrs(group: Group, account: Account, deviceId: number): Record<string, string> {
  return group.addressingMode === 'lid'
    ? { participant: account.lid(deviceId), participant_pn: account.jid, addressing_mode: 'lid' }
    : { participant: account.deviceJid(deviceId), participant_lid: account.lidJid, addressing_mode: 'pn' };
}
