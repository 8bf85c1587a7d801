import { AnyMessageContent, isJidGroup, isLidUser, jidNormalizedUser, proto, WAMessage, WAMessageKey } from '@whiskeysockets/baileys';
import type { InboundWireMessage, MediaKind, WireContent, WireMessageKey, WireReceipt, WireStatus } from '../message-content';
import { STORY_CHAT } from '../ports/stories.port';

/** Chats whose messages name their author as participant: groups, and stories (status@broadcast). */
export function hasParticipants(chatJid: string | null | undefined): boolean {
  return !!chatJid && (isJidGroup(chatJid) || chatJid === STORY_CHAT);
}

/** Baileys' content for a send. Media bytes go as a Buffer: Baileys encrypts and uploads them. */
export function toBaileysContent(content: WireContent): AnyMessageContent {
  switch (content.type) {
    case 'text':
      return { text: content.text, linkPreview: null };
    case 'location':
      return {
        location: { degreesLatitude: content.latitude, degreesLongitude: content.longitude, name: content.name, address: content.address },
      };
    case 'contact':
      return { contacts: { displayName: content.displayName, contacts: [{ displayName: content.displayName, vcard: content.vcard }] } };
    case 'reaction':
      return { react: { text: content.emoji, key: toBaileysKey(content.target) } };
    case 'image':
      return { image: requireData(content), caption: content.caption, mimetype: content.mimeType };
    case 'video':
      return { video: requireData(content), caption: content.caption, mimetype: content.mimeType };
    case 'audio':
      return { audio: requireData(content), mimetype: content.mimeType ?? 'audio/ogg; codecs=opus', ptt: content.voice ?? false };
    case 'sticker':
      return { sticker: requireData(content), mimetype: content.mimeType };
    case 'document':
      return {
        document: requireData(content),
        mimetype: content.mimeType ?? 'application/octet-stream',
        fileName: content.fileName ?? 'file',
        caption: content.caption,
      };
    case 'order':
      throw new Error('an order is placed by a customer, it cannot be sent');
    case 'unsupported':
      throw new Error('unsupported content cannot be sent');
  }
}

function requireData(content: { data?: Buffer }): Buffer {
  if (!content.data) throw new Error('media content without bytes');
  return content.data;
}

export function toBaileysKey(key: WireMessageKey): WAMessageKey {
  return { remoteJid: key.chatJid, id: key.waMessageId, fromMe: key.fromMe, ...(key.participant ? { participant: key.participant } : {}) };
}

function fromBaileysKey(key: proto.IMessageKey): WireMessageKey {
  return {
    chatJid: jidNormalizedUser(key.remoteJid ?? ''),
    waMessageId: key.id ?? '',
    fromMe: key.fromMe ?? false,
    ...(key.participant ? { participant: jidNormalizedUser(key.participant) } : {}),
  };
}

/** The message WhatsApp may ask to be re-sent, rebuilt from stored content (media is not re-uploaded). */
export function toProtoMessage(content: WireContent): proto.IMessage | undefined {
  switch (content.type) {
    case 'text':
      return { conversation: content.text };
    case 'location':
      return {
        locationMessage: {
          degreesLatitude: content.latitude,
          degreesLongitude: content.longitude,
          name: content.name,
          address: content.address,
        },
      };
    case 'contact':
      return { contactMessage: { displayName: content.displayName, vcard: content.vcard } };
    case 'reaction':
      return { reactionMessage: { key: toBaileysKey(content.target), text: content.emoji, senderTimestampMs: Date.now() } };
    default:
      return undefined;
  }
}

/** Wrappers WhatsApp puts around the real content. */
function unwrap(message: proto.IMessage): proto.IMessage {
  let m = message;
  for (let i = 0; i < 4; i++) {
    const inner =
      m.ephemeralMessage?.message ??
      m.viewOnceMessage?.message ??
      m.viewOnceMessageV2?.message ??
      m.viewOnceMessageV2Extension?.message ??
      m.documentWithCaptionMessage?.message ??
      m.deviceSentMessage?.message ??
      m.editedMessage?.message;
    if (!inner) return m;
    m = inner;
  }
  return m;
}

/** Keys that carry no user-visible content on their own. */
const NON_CONTENT = new Set(['messageContextInfo', 'senderKeyDistributionMessage', 'protocolMessage']);

function media(type: MediaKind, m: proto.Message.IImageMessage & { fileName?: string | null; ptt?: boolean | null }): WireContent {
  return {
    type,
    mimeType: m.mimetype ?? undefined,
    caption: m.caption ?? undefined,
    fileName: m.fileName ?? undefined,
    fileLength: m.fileLength === null || m.fileLength === undefined ? undefined : Number(m.fileLength),
    sha256: m.fileSha256 ? Buffer.from(m.fileSha256).toString('base64') : undefined,
    ...(type === 'audio' ? { voice: !!m.ptt } : {}),
  };
}

/** WhatsApp's order statuses (OrderMessage.OrderStatus) in the gateway's terms. */
const ORDER_STATUS: Record<number, 'inquiry' | 'accepted' | 'declined'> = { 1: 'inquiry', 2: 'accepted', 3: 'declined' };

export function readContent(message: proto.IMessage): WireContent | null {
  const m = unwrap(message);
  if (m.conversation) return { type: 'text', text: m.conversation };
  if (m.extendedTextMessage?.text) return { type: 'text', text: m.extendedTextMessage.text };
  if (m.imageMessage) return media('image', m.imageMessage);
  if (m.videoMessage) return media('video', m.videoMessage);
  if (m.audioMessage) return media('audio', m.audioMessage);
  if (m.stickerMessage) return media('sticker', m.stickerMessage);
  if (m.documentMessage) return media('document', m.documentMessage);
  if (m.locationMessage) {
    return {
      type: 'location',
      latitude: m.locationMessage.degreesLatitude ?? 0,
      longitude: m.locationMessage.degreesLongitude ?? 0,
      name: m.locationMessage.name ?? undefined,
      address: m.locationMessage.address ?? undefined,
    };
  }
  if (m.contactMessage) return { type: 'contact', displayName: m.contactMessage.displayName ?? '', vcard: m.contactMessage.vcard ?? '' };
  if (m.contactsArrayMessage?.contacts?.[0]) {
    const first = m.contactsArrayMessage.contacts[0];
    return { type: 'contact', displayName: first.displayName ?? '', vcard: first.vcard ?? '' };
  }
  if (m.orderMessage?.orderId) {
    const o = m.orderMessage;
    const total = o.totalAmount1000 === null || o.totalAmount1000 === undefined ? undefined : Number(o.totalAmount1000);
    return {
      type: 'order',
      orderId: o.orderId!,
      token: o.token ?? '',
      status: ORDER_STATUS[o.status ?? 1] ?? 'inquiry',
      itemCount: o.itemCount ?? 0,
      ...(total !== undefined ? { totalAmount1000: total } : {}),
      ...(o.totalCurrencyCode ? { currency: o.totalCurrencyCode } : {}),
      ...(o.orderTitle ? { title: o.orderTitle } : {}),
      ...(o.message ? { text: o.message } : {}),
      ...(o.sellerJid ? { sellerJid: jidNormalizedUser(o.sellerJid) } : {}),
    };
  }
  if (m.reactionMessage?.key) {
    return { type: 'reaction', target: fromBaileysKey(m.reactionMessage.key), emoji: m.reactionMessage.text ?? '' };
  }
  const keys = Object.keys(proto.Message.toObject(proto.Message.fromObject(m))).filter((k) => !NON_CONTENT.has(k));
  return keys.length > 0 ? { type: 'unsupported', keys } : null;
}

/** A user-visible message from `messages.upsert`, or null for protocol traffic and undecryptable stubs. */
export function readInbound(msg: WAMessage, offline: boolean, ownJid: string): InboundWireMessage | null {
  if (!msg.message || !msg.key.id || !msg.key.remoteJid) return null;
  // Baileys writes a group call's offer as a `call` message (and a missed call as a stub): calls are call events
  if (msg.message.call) return null;
  const content = readContent(msg.message);
  if (!content) return null;
  const key = fromBaileysKey(msg.key);
  // A reaction's target key is from the reactor's side until Baileys normalises it: consumers match on the id.
  // a story (status@broadcast) names its author as participant, like a group message
  const senderJid = key.fromMe ? jidNormalizedUser(ownJid) : hasParticipants(key.chatJid) ? (key.participant ?? '') : key.chatJid;
  const senderAlt = key.fromMe
    ? undefined
    : hasParticipants(key.chatJid)
      ? (msg.key.participantAlt ?? (key.chatJid === STORY_CHAT ? msg.key.remoteJidAlt : undefined))
      : msg.key.remoteJidAlt;
  const seconds = Number(msg.messageTimestamp ?? 0);
  return {
    key,
    senderJid,
    ...(senderAlt && isLidUser(senderAlt) ? { senderLid: jidNormalizedUser(senderAlt) } : {}),
    pushName: msg.pushName ?? undefined,
    timestamp: seconds > 0 ? new Date(seconds * 1000) : new Date(),
    content,
    offline,
  };
}

const STATUS_BY_ACK: Record<number, WireStatus | undefined> = {
  0: 'failed',
  2: 'sent',
  3: 'delivered',
  4: 'read',
  5: 'read',
};

/** `messages.update` entries that change the status of a message this account sent. */
export function readStatusUpdate(key: proto.IMessageKey, update: Partial<WAMessage>): WireReceipt | null {
  if (!key.fromMe || !key.id || typeof update.status !== 'number') return null;
  const status = STATUS_BY_ACK[update.status];
  if (!status) return null;
  // Baileys widens this field to `any` on WAMessage; the protocol defines it as a list of strings.
  const stubParameters = update.messageStubParameters as proto.IWebMessageInfo['messageStubParameters'];
  return {
    key: fromBaileysKey(key),
    status,
    ...(status === 'failed' ? { reason: `whatsapp_error${stubParameters?.[0] ? `_${stubParameters[0]}` : ''}` } : {}),
  };
}

/** Group receipts (`message-receipt.update`): the furthest any participant got. */
export function readUserReceipt(key: proto.IMessageKey, receipt: proto.IUserReceipt): WireReceipt | null {
  if (!key.id) return null;
  const read = receipt.readTimestamp ?? receipt.playedTimestamp;
  if (read) return { key: fromBaileysKey(key), status: 'read', ...stampOf(read) };
  if (receipt.receiptTimestamp) return { key: fromBaileysKey(key), status: 'delivered', ...stampOf(receipt.receiptTimestamp) };
  return null;
}

function stampOf(seconds: number | { toNumber(): number }): { at?: Date } {
  const value = typeof seconds === 'number' ? seconds : seconds.toNumber();
  return value > 0 ? { at: new Date(value * 1000) } : {};
}
