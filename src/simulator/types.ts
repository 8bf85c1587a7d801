/** Public shapes of the simulator's control API: plain data, no Baileys types. */

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** What a simulated contact can send. Media bytes are encrypted and hosted by the simulator. */
export type OutgoingContent =
  | { type: 'text'; text: string }
  | {
      type: MediaKind;
      data: Buffer;
      mimetype?: string;
      caption?: string;
      fileName?: string;
      /** audio only: send as a voice note */
      ptt?: boolean;
    }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'contact'; displayName: string; vcard: string }
  | { type: 'reaction'; messageId: string; emoji: string; fromMe?: boolean };

export type ReceivedContent =
  | { type: 'text'; text: string }
  | {
      type: MediaKind;
      mimetype?: string;
      caption?: string;
      fileName?: string;
      ptt?: boolean;
      /** Downloaded from the media host and decrypted; undefined when the URL is not ours. */
      data?: Buffer;
      fileLength?: number;
    }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'contact'; displayName: string; vcard: string }
  | { type: 'reaction'; messageId: string; emoji: string }
  /**
   * Content the phone shows no further; a private invitation to a group (sent when privacy refused adding this
   * phone) is described in `groupInvite`, for `acceptGroupInvitation`.
   */
  | { type: 'other'; keys: string[]; groupInvite?: { groupJid: string; groupName: string; code: string; expiration: number } };

/** A message a simulated contact's phone received and decrypted. */
export interface ReceivedMessage {
  id: string;
  /** Phone number of the simulated contact that received it. */
  to: string;
  /** Phone number of the sender. */
  from: string;
  /** Device jid that sent it (e.g. "15550001111:1@s.whatsapp.net"). */
  fromDevice: string;
  /** Group jid for group messages. */
  group?: string;
  /** Newsletter jid for a post of a followed newsletter (`from` is the admin who posted it). */
  newsletter?: string;
  /** The newsletter's number for the post. */
  serverId?: number;
  /** A story (status update) the sender posted with this phone among its viewers. */
  story?: StoryStyle;
  /** The sender revoked the story (or message) since. */
  revoked?: true;
  timestamp: number;
  content: ReceivedContent;
}

/** How a text story is shown: its background colour (`#AARRGGBB`) and font, when the author chose them. */
export interface StoryStyle {
  background?: string;
  font?: number;
}

/** A story a viewer's phone had received was revoked by its author. */
export interface StoryRevokedEvent {
  /** Phone number of the viewer. */
  phone: string;
  /** Phone number of the author. */
  from: string;
  messageId: string;
}

export type ReceiptType = 'delivered' | 'read' | 'played';

/** A companion acknowledged a message a simulated contact sent. */
export interface ReceiptEvent {
  /** Phone number of the simulated contact whose message this is about. */
  phone: string;
  messageId: string;
  type: ReceiptType;
  /** Device jid that sent the receipt. */
  by: string;
}

export interface CompanionInfo {
  phone: string;
  deviceId: number;
  jid: string;
  platform: string;
  connected: boolean;
  /** The WhatsApp Web version the companion announced at its last login, e.g. "2.3000.1043857760". */
  appVersion?: string;
}

export interface PresenceEvent {
  /** Phone number of the account whose companion announced it. */
  phone: string;
  deviceJid: string;
  /** available / unavailable, or a chat state (composing, paused, recording) toward `to`. */
  state: string;
  to?: string;
}

/** A step of a call between a simulated caller and an account's devices. */
export interface CallEvent {
  callId: string;
  /** The caller's phone number. */
  phone: string;
  /** The callee's phone number. */
  to: string;
  state: 'offered' | 'accepted' | 'rejected' | 'timeout' | 'terminated';
  /** The device jid that rejected it. */
  by?: string;
}

export interface GroupInfo {
  id: string;
  subject: string;
  /** The creator's phone number. */
  owner: string;
  description: string | null;
  /** Only admins send messages. */
  announce: boolean;
  /** Only admins edit the group's info. */
  locked: boolean;
  /** Disappearing messages in seconds, 0 when off. */
  ephemeral: number;
  memberAddMode: 'admin_add' | 'all_member_add';
  joinApproval: boolean;
  inviteCode: string;
  pictureUrl: string | null;
  participants: { phone: string; admin: 'admin' | 'superadmin' | null }[];
  /** Phones waiting for an admin's approval to join. */
  joinRequests: string[];
  /** A community (the parent of linked groups). */
  isCommunity: boolean;
  /** A community's announcement group. */
  isCommunityAnnouncement: boolean;
  /** The community the group is linked to. */
  communityId: string | null;
}

/** A community: its own group, its announcement group and the other groups linked to it. */
export interface CommunityInfo extends GroupInfo {
  announcementGroup: string | null;
  /** The linked groups besides the announcement group. */
  groups: string[];
}

export interface NewsletterInfo {
  /** `…@newsletter`. */
  id: string;
  name: string;
  description: string;
  /** The owner's phone number. */
  owner: string;
  admins: string[];
  followers: { phone: string; muted: boolean }[];
  /** The code of its https://whatsapp.com/channel/<code> link. */
  invite: string;
  reactionCodes: 'ALL' | 'BASIC' | 'NONE' | 'BLOCKLIST';
  pictureUrl: string | null;
  /** Oldest first; reactions by follower phone. */
  posts: { serverId: number; id: string; author: string; reactions: Record<string, string> }[];
}

/** What WhatsApp answered for one member of a bulk group change. */
export interface MemberOutcome {
  /** As requested. */
  jid: string;
  phone: string;
  /** 200 done; 403 privacy refused the add; 404 not a member (or unknown); 409 already a member. */
  status: number;
  /** The private invitation offered instead of a refused add. */
  addRequest?: { code: string; expiration: number };
}

export interface SimulatorEventMap {
  paired: [CompanionInfo];
  /** The companion logged in (`<success>` sent). */
  connected: [CompanionInfo];
  /** The companion announced itself active and got its offline queue: stanzas now flow directly. */
  online: [CompanionInfo];
  disconnected: [CompanionInfo];
  unlinked: [CompanionInfo];
  /** A companion asked for a pair code on this phone number (companion_hello). */
  'pair-code-requested': [{ phone: string }];
  message: [ReceivedMessage];
  receipt: [ReceiptEvent];
  presence: [PresenceEvent];
  call: [CallEvent];
  'story-revoked': [StoryRevokedEvent];
  /** A protocol-level problem the simulator recovered from; useful when debugging. */
  warning: [{ message: string; error?: unknown }];
  /** A client sent a request the simulator does not model; it was answered with an error (tests fail on these). */
  unhandled: [{ request: string }];
}
