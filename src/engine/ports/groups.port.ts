/**
 * Groups on WhatsApp, over a channel's live socket. Nothing is mirrored: every read asks WhatsApp (or the
 * socket's metadata cache, which the group's own notifications keep fresh). JIDs are WhatsApp's: a member is
 * named by the JID the group uses for it (a LID in LID-addressed groups), with the phone-number JID beside it
 * when WhatsApp shares it.
 */

export type GroupRank = 'creator' | 'admin' | 'member';

export interface WireGroupMember {
  /** The JID the group names the member by (`…@lid` or `…@s.whatsapp.net`). */
  jid: string;
  /** `…@s.whatsapp.net`, when known. */
  phoneJid: string | null;
  /** `…@lid`, when known. */
  lid: string | null;
  rank: GroupRank;
}

export interface WireGroup {
  /** `…@g.us`. */
  jid: string;
  subject: string;
  description: string | null;
  /** The creator, as the group names it; null when WhatsApp does not say. */
  ownerJid: string | null;
  ownerPhoneJid: string | null;
  createdAt: Date | null;
  /** Only admins may send messages. */
  announce: boolean;
  /** Only admins may edit the subject, description and icon. */
  restrict: boolean;
  /** Who may add members. */
  memberAddMode: 'admin_add' | 'all_member_add';
  /** New members need an admin's approval. */
  joinApproval: boolean;
  /** Disappearing messages; 0 when off. */
  ephemeralSeconds: number;
  size: number;
  addressingMode: 'lid' | 'pn';
  isCommunity: boolean;
  isCommunityAnnounce: boolean;
  /** The community a group belongs to. */
  linkedParentJid: string | null;
  /** Empty when WhatsApp does not list them (an invite preview). */
  members: WireGroupMember[];
}

export type GroupSettingChange =
  | { announce: boolean }
  | { restrict: boolean }
  | { memberAddMode: 'admin_add' | 'all_member_add' }
  | { joinApproval: boolean }
  | { ephemeralSeconds: number };

export type MemberAction = 'add' | 'remove' | 'promote' | 'demote';

/** What WhatsApp answered for one member of a bulk change. */
export interface MemberOutcome {
  /** The JID as it was asked for. */
  jid: string;
  /**
   * 200 when done; otherwise WhatsApp's code (403 privacy refused the add, 409 already a member, 404 not on
   * WhatsApp…); 0 when WhatsApp's answer did not name the member.
   */
  status: number;
  /** When privacy refused an add: the code of a private invitation WhatsApp will honour for this person. */
  addRequest: { code: string; expiresAt: Date } | null;
}

export interface WireJoinRequest {
  jid: string;
  phoneJid: string | null;
  requestedAt: Date | null;
  /** How the person asked (`invite_link`, `linked_group_join`, …) when WhatsApp says. */
  method: string | null;
}

export type InviteAcceptance = { joined: string } | { pendingApproval: string };

export abstract class GroupsPort {
  /** Every group the account is in, with members, in one request. */
  abstract list(channelId: string): Promise<WireGroup[]>;
  abstract get(channelId: string, groupJid: string): Promise<WireGroup>;
  /** Creates a group; members WhatsApp refused come back in `outcomes`. */
  abstract create(
    channelId: string,
    subject: string,
    memberJids: string[],
    description?: string,
  ): Promise<{ group: WireGroup; outcomes: MemberOutcome[] }>;
  abstract leave(channelId: string, groupJid: string): Promise<void>;
  abstract setSubject(channelId: string, groupJid: string, subject: string): Promise<void>;
  /** null removes the description. */
  abstract setDescription(channelId: string, groupJid: string, description: string | null): Promise<void>;
  abstract changeSetting(channelId: string, groupJid: string, change: GroupSettingChange): Promise<void>;
  abstract changeMembers(channelId: string, groupJid: string, jids: string[], action: MemberAction): Promise<MemberOutcome[]>;
  /**
   * Sends a member whose privacy refused an add the private invitation WhatsApp offered instead (the
   * `addRequest` of their outcome); returns the id of the invitation message.
   */
  abstract sendAddRequest(
    channelId: string,
    group: { jid: string; subject: string },
    memberJid: string,
    addRequest: { code: string; expiresAt: Date },
  ): Promise<string>;
  abstract inviteCode(channelId: string, groupJid: string): Promise<string>;
  /** Invalidates the invite code; answers the new one. */
  abstract revokeInvite(channelId: string, groupJid: string): Promise<string>;
  abstract acceptInvite(channelId: string, code: string): Promise<InviteAcceptance>;
  /** A group as its invite code shows it, without joining. */
  abstract inviteInfo(channelId: string, code: string): Promise<WireGroup>;
  /** null when the group has no picture (or it is hidden from this account). */
  abstract pictureUrl(channelId: string, groupJid: string, size: 'preview' | 'image'): Promise<string | null>;
  abstract setPicture(channelId: string, groupJid: string, image: Buffer): Promise<void>;
  abstract removePicture(channelId: string, groupJid: string): Promise<void>;
  abstract joinRequests(channelId: string, groupJid: string): Promise<WireJoinRequest[]>;
  abstract answerJoinRequests(channelId: string, groupJid: string, jids: string[], answer: 'approve' | 'reject'): Promise<MemberOutcome[]>;
}
