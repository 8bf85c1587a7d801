/**
 * Message content in the gateway's own terms, shared by the port, the message store and the API: the
 * engine maps it to and from WhatsApp's protobuf messages. Template and interactive messages reach the
 * engine already rendered (see the messages module), so the engine only knows what WhatsApp carries.
 */

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface MediaPayload {
  /** Bytes to upload (outbound). Inbound media carries no bytes here, only the metadata. */
  data?: Buffer;
  mimeType?: string;
  caption?: string;
  fileName?: string;
  /** audio: a voice note */
  voice?: boolean;
  fileLength?: number;
  sha256?: string;
}

export type WireContent =
  | { type: 'text'; text: string }
  | ({ type: MediaKind } & MediaPayload)
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'contact'; displayName: string; vcard: string }
  | { type: 'reaction'; target: WireMessageKey; emoji: string }
  | WireOrder
  | { type: 'unsupported'; keys: string[] };

/** An order a customer placed from a business's catalog (its items: BusinessPort.orderDetails with the token). */
export interface WireOrder {
  type: 'order';
  orderId: string;
  token: string;
  status: 'inquiry' | 'accepted' | 'declined';
  itemCount: number;
  totalAmount1000?: number;
  currency?: string;
  title?: string;
  text?: string;
  sellerJid?: string;
}

/** Identifies a message on WhatsApp: its chat, its id, and whether this account sent it. */
export interface WireMessageKey {
  chatJid: string;
  waMessageId: string;
  fromMe: boolean;
  /** Author in a group. */
  participant?: string;
}

export interface InboundWireMessage {
  key: WireMessageKey;
  /** Author: the contact (1:1) or the participant (group); this account's jid for its own messages. */
  senderJid: string;
  /** The sender's LID, when WhatsApp addressed them by it (`senderJid` is then their phone-number jid if known). */
  senderLid?: string;
  pushName?: string;
  timestamp: Date;
  content: WireContent;
  /** Delivered from the offline queue (Baileys' `append`) rather than live. */
  offline: boolean;
  /** Media messages: downloads and decrypts the bytes from WhatsApp's media host. */
  download?: () => Promise<Buffer>;
}

export type WireStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface WireReceipt {
  key: WireMessageKey;
  status: WireStatus;
  /** For failures: WhatsApp's error code. */
  reason?: string;
  /** When the participant (of a group or a story's audience) received or read it, as WhatsApp stamped it. */
  at?: Date;
  /** The participant's LID, when WhatsApp named them by it (`key.participant` is then their phone-number jid if known). */
  participantLid?: string;
}

export interface WireContact {
  jid: string;
  lid?: string;
  phoneNumber?: string;
  pushName?: string;
}

export interface ContactProfile {
  jid: string;
  exists: boolean;
  about: string | null;
  pictureUrl: string | null;
}

export type ChatChange =
  | { archive: boolean }
  | { pin: boolean }
  /** null unmutes; a date mutes until then */
  | { muteUntil: Date | null }
  | { markUnread: boolean }
  | { ephemeralSeconds: number };

/** The message store as the engine sees it: what WhatsApp may ask to be re-sent (Baileys' getMessage). */
export type StoredMessageLookup = (channelId: string, waMessageId: string) => Promise<WireContent | undefined>;
