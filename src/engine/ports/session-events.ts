/**
 * What a channel's session reports, split by capability so that a module subscribes to exactly what it needs
 * (`sessions.onChannelEvent('messages', …)`). Events of one channel reach subscribers in the order WhatsApp
 * produced them, and the next one waits until every handler of the previous one finished: a handler may
 * await its own writes without a receipt overtaking the message it is about. Text in events is storable:
 * U+0000 and lone surrogates a contact sent arrive as U+FFFD (see platform/storable-text.ts).
 */
import type { InboundWireMessage, WireContact, WireReceipt } from '../message-content';
import type { CallEndReason, WireCall } from './calls.port';
import type { WireGroup, WireGroupMember } from './groups.port';
import type { WirePresence } from './presence.port';
import type { WireLabel, WireLabelTarget } from './labels.port';

/** Why a session ended, in the gateway's terms (the raw code and text travel alongside). */
export type CloseCause =
  /** WhatsApp asked for a restart (515), e.g. right after pairing: reopen at once. */
  | 'restart_required'
  /** The device was unlinked from the phone (401): credentials are void. */
  | 'logged_out'
  /** Another connection with the same credentials replaced this one (440). */
  | 'replaced'
  /** The connection dropped or timed out. */
  | 'connection_lost'
  /** Pairing did not complete: every QR expired (or the pair code was not entered). */
  | 'pairing_timeout'
  /** The gateway closed it (disconnect, logout, shutdown). */
  | 'closed_by_gateway'
  | 'other';

export interface SessionIdentity {
  /** E.164 with a leading +. */
  phoneNumber: string;
  jid: string;
  lid: string | null;
}

/** The socket's lifecycle: a QR to show, the session open (paired and ready), or closed. */
export type LifecycleEvent =
  | { type: 'qr'; qr: string; expiresAt: Date }
  | { type: 'open'; identity: SessionIdentity }
  | { type: 'closed'; cause: CloseCause; code: number | null; message: string };

export type MessagingEvent =
  /** A message arrived (or this account sent one from another device). */
  | { type: 'message'; message: InboundWireMessage }
  /** A part of the history the phone hands a new companion, in its order: the account's past, stored and not announced. */
  | { type: 'history'; messages: InboundWireMessage[] }
  /** WhatsApp acknowledged, delivered, read or refused a message this account sent. */
  | { type: 'receipt'; receipt: WireReceipt };

/** Contacts learnt from traffic: push names and phone number ↔ LID pairs. */
export type ContactsEvent = { type: 'contacts'; contacts: WireContact[] };

/** A change to a group the account is in, as WhatsApp announced it (never a refresh of the group list). */
export type GroupsEvent =
  /** The account is in a new group: it created it (`createdByAccount`), or someone added it or let it in. */
  | { type: 'group_joined'; group: WireGroup; createdByAccount: boolean; author: GroupAuthor | null }
  /** Subject, description, settings or icon changed, or the group was linked to a community: only what changed is set. */
  | { type: 'group_changed'; groupJid: string; author: GroupAuthor | null; changes: GroupChanges; community: GroupCommunity | null }
  | {
      type: 'group_members';
      groupJid: string;
      action: 'add' | 'remove' | 'promote' | 'demote';
      author: GroupAuthor | null;
      members: Omit<WireGroupMember, 'rank'>[];
      community: GroupCommunity | null;
    };

/** Where a group stands in a community (as the socket last saw it): a community itself, or linked to one. */
export interface GroupCommunity {
  isCommunity: boolean;
  /** The community a group is linked to; null for one linked to none (and for a community). */
  communityJid: string | null;
}

/** Who made a group change, as the group names them, with the phone-number JID when known. */
export interface GroupAuthor {
  jid: string;
  phoneJid: string | null;
}

export interface GroupChanges {
  subject?: string;
  /** null: removed. */
  description?: string | null;
  announce?: boolean;
  restrict?: boolean;
  memberAddMode?: 'admin_add' | 'all_member_add';
  joinApproval?: boolean;
  ephemeralSeconds?: number;
  icon?: 'set' | 'removed';
  /** The invite code was revoked (the new code is not announced). */
  inviteRevoked?: true;
  /** The group was linked to this community; null: unlinked from its community. */
  communityJid?: string | null;
}

/** A call rang on the account's devices, or stopped ringing (a call answered elsewhere ends twice: accepted_elsewhere, then ended). */
export type CallsEvent =
  | { type: 'call_offered'; call: WireCall }
  | {
      type: 'call_ended';
      callId: string;
      fromJid: string;
      fromPhoneJid: string | null;
      reason: CallEndReason;
      /** Seconds, for a call answered elsewhere that ended, when WhatsApp says. */
      durationSeconds: number | null;
      endedAt: Date;
    };

/** A contact's presence or chat state, pushed by WhatsApp (in a group chat, `chatJid` is the group). */
export type PresenceEvent = {
  type: 'presence';
  chatJid: string;
  contactJid: string;
  contactPhoneJid: string | null;
  /** The contact's LID, when WhatsApp named them by it or the socket knows the pair. */
  contactLid: string | null;
  presence: WirePresence;
  /** When the contact was last online, if they share it (offline only). */
  lastSeen: Date | null;
};

/** A WhatsApp Business label changed on some device of the account (app-state sync), this one included. */
export type LabelsEvent =
  { type: 'label_edited'; label: WireLabel } | { type: 'label_association'; labelId: string; target: WireLabelTarget; labeled: boolean };

/** Every capability's events, by the name a subscriber asks for. */
export interface SessionEventMap {
  lifecycle: LifecycleEvent;
  messages: MessagingEvent;
  contacts: ContactsEvent;
  groups: GroupsEvent;
  calls: CallsEvent;
  presence: PresenceEvent;
  labels: LabelsEvent;
}

export type SessionEventKind = keyof SessionEventMap;

export type SessionEvent = SessionEventMap[SessionEventKind];

/** Which capability an event belongs to. */
export function kindOf(event: SessionEvent): SessionEventKind {
  switch (event.type) {
    case 'qr':
    case 'open':
    case 'closed':
      return 'lifecycle';
    case 'message':
    case 'history':
    case 'receipt':
      return 'messages';
    case 'contacts':
      return 'contacts';
    case 'group_joined':
    case 'group_changed':
    case 'group_members':
      return 'groups';
    case 'call_offered':
    case 'call_ended':
      return 'calls';
    case 'presence':
      return 'presence';
    case 'label_edited':
    case 'label_association':
      return 'labels';
  }
}

export type ChannelEventHandler<K extends SessionEventKind> = (channelId: string, event: SessionEventMap[K]) => void | Promise<void>;
