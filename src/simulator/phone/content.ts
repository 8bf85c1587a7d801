import { proto } from '@whiskeysockets/baileys';
import { decryptMedia, encryptMedia } from '../media/media-crypto';
import type { MediaHost } from '../media/media-host';
import type { MediaKind, OutgoingContent, ReceivedContent } from '../types';

const DEFAULT_MIME: Record<MediaKind, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

/** Turns a contact's outgoing content into a WhatsApp message, uploading media to our host. */
export function buildMessage(content: OutgoingContent, media: MediaHost, chatJid: string): proto.IMessage {
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
      return {
        reactionMessage: {
          key: { remoteJid: chatJid, fromMe: content.fromMe ?? false, id: content.messageId },
          text: content.emoji,
          senderTimestampMs: Date.now(),
        },
      };
    default:
      return buildMediaMessage(content, media);
  }
}

function buildMediaMessage(content: Extract<OutgoingContent, { data: Buffer }>, media: MediaHost): proto.IMessage {
  const keyType = content.type === 'audio' && content.ptt ? 'ptt' : content.type;
  const encrypted = encryptMedia(content.data, keyType);
  const { url, directPath } = media.put(encrypted.blob, content.type);
  const common = {
    url,
    directPath,
    mediaKey: encrypted.mediaKey,
    fileSha256: encrypted.fileSha256,
    fileEncSha256: encrypted.fileEncSha256,
    fileLength: encrypted.fileLength,
    mimetype: content.mimetype ?? DEFAULT_MIME[content.type],
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
  };
  switch (content.type) {
    case 'image':
      return { imageMessage: { ...common, caption: content.caption } };
    case 'video':
      return { videoMessage: { ...common, caption: content.caption } };
    case 'audio':
      return { audioMessage: { ...common, ptt: !!content.ptt } };
    case 'sticker':
      return { stickerMessage: { ...common } };
    case 'document':
      return { documentMessage: { ...common, caption: content.caption, fileName: content.fileName ?? 'file' } };
  }
}

type MediaFields = {
  url?: string | null;
  directPath?: string | null;
  mediaKey?: Uint8Array | null;
  mimetype?: string | null;
  fileLength?: number | Long | null;
};

/** Reads what a contact received; media is fetched from our host and decrypted. */
export function readMessage(message: proto.IMessage, media: MediaHost): ReceivedContent {
  const m = message.ephemeralMessage?.message ?? message.viewOnceMessage?.message ?? message;
  if (m.conversation) {
    return { type: 'text', text: m.conversation };
  }
  if (m.extendedTextMessage?.text) {
    return { type: 'text', text: m.extendedTextMessage.text };
  }
  if (m.imageMessage) {
    return { type: 'image', ...mediaOf(m.imageMessage, 'image', media), caption: m.imageMessage.caption ?? undefined };
  }
  if (m.videoMessage) {
    const keyType = m.videoMessage.gifPlayback ? 'gif' : 'video';
    return { type: 'video', ...mediaOf(m.videoMessage, keyType, media), caption: m.videoMessage.caption ?? undefined };
  }
  if (m.audioMessage) {
    const ptt = !!m.audioMessage.ptt;
    return { type: 'audio', ...mediaOf(m.audioMessage, ptt ? 'ptt' : 'audio', media), ptt };
  }
  if (m.stickerMessage) {
    return { type: 'sticker', ...mediaOf(m.stickerMessage, 'sticker', media) };
  }
  const document = m.documentMessage ?? m.documentWithCaptionMessage?.message?.documentMessage;
  if (document) {
    return {
      type: 'document',
      ...mediaOf(document, 'document', media),
      fileName: document.fileName ?? undefined,
      caption: document.caption ?? undefined,
    };
  }
  if (m.locationMessage) {
    return {
      type: 'location',
      latitude: m.locationMessage.degreesLatitude ?? 0,
      longitude: m.locationMessage.degreesLongitude ?? 0,
      name: m.locationMessage.name ?? undefined,
      address: m.locationMessage.address ?? undefined,
    };
  }
  if (m.contactMessage) {
    return { type: 'contact', displayName: m.contactMessage.displayName ?? '', vcard: m.contactMessage.vcard ?? '' };
  }
  if (m.reactionMessage) {
    return { type: 'reaction', messageId: m.reactionMessage.key?.id ?? '', emoji: m.reactionMessage.text ?? '' };
  }
  const keys = Object.keys(proto.Message.toObject(proto.Message.fromObject(m)));
  const invite = m.groupInviteMessage;
  if (invite) {
    const groupInvite = {
      groupJid: invite.groupJid ?? '',
      groupName: invite.groupName ?? '',
      code: invite.inviteCode ?? '',
      expiration: Number(invite.inviteExpiration ?? 0),
    };
    return { type: 'other', keys, groupInvite };
  }
  return { type: 'other', keys };
}

function mediaOf(
  fields: MediaFields,
  keyType: Parameters<typeof decryptMedia>[2],
  media: MediaHost,
): { mimetype?: string; data?: Buffer; fileLength?: number } {
  const blob = (fields.url && media.get(fields.url)) || (fields.directPath && media.get(fields.directPath));
  return {
    mimetype: fields.mimetype ?? undefined,
    fileLength: fields.fileLength === null || fields.fileLength === undefined ? undefined : Number(fields.fileLength),
    // newsletter media is uploaded as is: no media key, nothing to decrypt
    data: blob ? (fields.mediaKey ? decryptMedia(blob, fields.mediaKey, keyType) : blob) : undefined,
  };
}
