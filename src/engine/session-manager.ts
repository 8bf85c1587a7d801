/**
 * The port between the gateway and the WhatsApp engine. Nothing outside src/engine sees Baileys types:
 * channels and messages speak to this abstract class (also the DI token) in the gateway's own terms.
 * Text in what the engine reports (events, profiles) is storable: U+0000 and lone surrogates a contact sent
 * arrive as U+FFFD (see platform/storable-text.ts).
 */

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

export type SessionEvent =
  | { type: 'qr'; qr: string; expiresAt: Date }
  | { type: 'open'; identity: SessionIdentity }
  | { type: 'closed'; cause: CloseCause; code: number | null; message: string }
  /** A message arrived (or this account sent one from another device). */
  | { type: 'message'; message: InboundWireMessage }
  /** WhatsApp acknowledged, delivered, read or refused a message this account sent. */
  | { type: 'receipt'; receipt: WireReceipt }
  /** Contacts learnt from traffic: push names and phone number ↔ LID pairs. */
  | { type: 'contacts'; contacts: WireContact[] };

import type {
  ChatChange,
  ContactProfile,
  InboundWireMessage,
  StoredMessageLookup,
  WireContact,
  WireContent,
  WireMessageKey,
  WireReceipt,
} from './message-content';

export type SessionNetwork = 'live' | 'sandbox';

export interface SessionTarget {
  channelId: string;
  network: SessionNetwork;
}

export type SessionEventHandler = (channelId: string, event: SessionEvent) => void;

export abstract class SessionManager {
  /** This process' id among the gateway's workers. */
  abstract readonly workerId: string;

  /** Starts (or restarts) the channel's socket here. Throws `worker_at_capacity` when full. */
  abstract open(target: SessionTarget): Promise<void>;

  /** Ends the socket; with `logout`, unlinks the device first (best effort). Emits no `closed` event. */
  abstract close(channelId: string, options?: { logout?: boolean }): Promise<void>;

  abstract requestPairingCode(channelId: string, phoneNumber: string): Promise<string>;

  abstract currentQr(channelId: string): { qr: string; expiresAt: Date } | null;

  abstract isOpen(channelId: string): boolean;

  abstract size(): number;

  /** Deletes the channel's stored credentials and keys (after a logout). */
  abstract wipeCredentials(channelId: string): Promise<void>;

  abstract hasCredentials(channelId: string): Promise<boolean>;

  abstract onEvent(handler: SessionEventHandler): void;

  // ---- messages (an open session is required; `channel_unavailable` otherwise) ----

  /** A fresh WhatsApp message id, chosen before the send so that a retried send reuses it. */
  abstract newMessageId(): string;

  /** Sends to a user jid, LID or group jid, under the given WhatsApp message id. */
  abstract send(channelId: string, to: string, content: WireContent, options: { waMessageId: string }): Promise<{ waMessageId: string; timestamp: Date }>;

  /** Sends read receipts for received messages. */
  abstract readMessages(channelId: string, keys: WireMessageKey[]): Promise<void>;

  /** Applies a chat setting on WhatsApp (app-state patch); `lastMessage` anchors archive and unread changes. */
  abstract modifyChat(channelId: string, chatJid: string, change: ChatChange, lastMessage?: { key: WireMessageKey; timestamp: Date }): Promise<void>;

  /** Push name is not queryable; this returns whether the number is on WhatsApp, its about text and picture. */
  abstract fetchProfile(channelId: string, jid: string): Promise<ContactProfile>;

  /** Where Baileys looks up a message WhatsApp asks it to re-send (retry receipts); undefined on a miss. */
  abstract setMessageLookup(lookup: StoredMessageLookup): void;
}
