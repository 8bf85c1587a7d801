import { randomBytes, randomInt } from 'crypto';
import { jidEncode } from '@whiskeysockets/baileys';
import type { Account } from './accounts';

export type GroupRole = 'admin' | 'superadmin' | null;

export type MemberAddMode = 'admin_add' | 'all_member_add';

export interface GroupDescription {
  /** Changes with every edit; a client names the one it replaces (`prev`). */
  id: string;
  body: string;
  /** Phone-number user jid of who wrote it. */
  owner: string;
  time: number;
}

export interface GroupPicture {
  id: string;
  jpeg: Buffer;
  /** Where the media host serves it. */
  url: string;
  directPath: string;
}

export interface JoinRequest {
  /** How the person asked (`invite_link`). */
  method: string;
  time: number;
}

export interface Group {
  /** Full group jid, e.g. "120363012345678901@g.us". */
  jid: string;
  subject: string;
  subjectOwner: string;
  subjectTime: number;
  creation: number;
  creator: string;
  description: GroupDescription | null;
  /**
   * How the group names its members on the wire: `lid` (LIDs, with `phone_number` beside them), as WhatsApp
   * runs groups now, or `pn` (phone-number jids, with `lid` beside them).
   */
  addressingMode: 'lid' | 'pn';
  /** Member phone-number user jid → role (kept by phone number inside; shown per `addressingMode`). */
  participants: Map<string, GroupRole>;
  /** Only admins send messages. */
  announce: boolean;
  /** Only admins edit subject, description, icon and disappearing messages. */
  locked: boolean;
  /** Disappearing messages, seconds; 0 when off. */
  ephemeral: number;
  memberAddMode: MemberAddMode;
  /** Joining by invite link needs an admin's approval. */
  joinApproval: boolean;
  inviteCode: string;
  /** Codes revoked since: joining with one is answered 410 (gone), not 406 (unknown). */
  revokedCodes: Set<string>;
  /** People who asked to join, by phone-number user jid. */
  joinRequests: Map<string, JoinRequest>;
  picture: GroupPicture | null;
  /** Private invitations offered when privacy refused an add, by invitee phone-number user jid. */
  addRequests: Map<string, { code: string; expiration: number }>;
  /** Sender key distribution already done, per sending device: which devices hold its key. */
  senderKeysSent: Map<string, Set<string>>;
  /** A community: the parent of linked groups (`<parent/>` in its metadata); nobody writes in it. */
  isCommunity: boolean;
  /** A community's `default_membership_approval_mode`, as its creator asked (`request_required`): how its groups admit community members. */
  defaultMembershipApprovalMode: string | null;
  /** The community's announcement group, created with it (`<default_sub_group/>`); it cannot be unlinked. */
  isDefaultSubGroup: boolean;
  /** The community this group is linked to (`<linked_parent jid/>`). */
  linkedParent: string | null;
}

/** A 22-character invite code, as WhatsApp's links carry (chat.whatsapp.com/<code>). */
export function newInviteCode(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
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
      description: null,
      addressingMode: this.addressingMode,
      participants,
      announce: false,
      locked: false,
      ephemeral: 0,
      // WhatsApp's defaults for a new group: everyone may add members, no approval to join
      memberAddMode: 'all_member_add',
      joinApproval: false,
      inviteCode: newInviteCode(),
      revokedCodes: new Set(),
      joinRequests: new Map(),
      picture: null,
      addRequests: new Map(),
      senderKeysSent: new Map(),
      isCommunity: false,
      defaultMembershipApprovalMode: null,
      isDefaultSubGroup: false,
      linkedParent: null,
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

  /** The group an invite code (current or revoked) belongs to. */
  byInviteCode(code: string): Group | undefined {
    return [...this.groups.values()].find((g) => g.inviteCode === code || g.revokedCodes.has(code));
  }

  /** The groups linked to a community, its announcement group first. */
  linkedTo(communityJid: string): Group[] {
    return [...this.groups.values()]
      .filter((g) => g.linkedParent === communityJid)
      .sort((a, b) => Number(b.isDefaultSubGroup) - Number(a.isDefaultSubGroup));
  }

  of(userJid: string): Group[] {
    return [...this.groups.values()].filter((g) => g.participants.has(userJid));
  }

  delete(jid: string): void {
    this.groups.delete(jid);
  }
}

export function isAdmin(group: Group, userJid: string): boolean {
  const role = group.participants.get(userJid);
  return role === 'admin' || role === 'superadmin';
}

/** The sender of a group message as the group names its members. */
export function groupSenderAttrs(group: Group, account: Account, deviceId: number): Record<string, string> {
  return group.addressingMode === 'lid'
    ? { participant: account.lid(deviceId), participant_pn: account.jid, addressing_mode: 'lid' }
    : { participant: account.deviceJid(deviceId), participant_lid: account.lidJid, addressing_mode: 'pn' };
}
