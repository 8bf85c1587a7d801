import type { z } from 'zod';
import type { WireContent, WireMessageKey } from '../../engine/message-content';
import { AppError } from '../../platform/errors/app-error';
import { buildVcard, readVcard } from '../whatsapp/vcard';
import { interactiveBody, MEDIA_TYPES, MessageType, SendMessageInput, STORED_CONTENT_SCHEMAS, templateBody } from './messages.contracts';

/** A stored message's type: a type of the API, or one the gateway received but does not read. */
export type StoredType = MessageType | 'order' | 'unsupported';

/** The body of one type, as stored and as the API shows it (STORED_CONTENT_SCHEMAS). */
export type StoredBody<T extends StoredType> = z.output<(typeof STORED_CONTENT_SCHEMAS)[T]>;

/**
 * A message's type and content, `{ [type]: body }` (the shape of a send), as one union discriminated by `type`:
 * a switch on `type` gives the body its shape.
 */
export type StoredMessage = { [T in StoredType]: { type: T; content: { [K in T]: StoredBody<K> } } }[StoredType];
export type StoredContent = StoredMessage['content'];

export type MediaType = (typeof MEDIA_TYPES)[number];
export type StoredMediaMessage = Extract<StoredMessage, { type: MediaType }>;

export function isMediaMessage(message: StoredMessage): message is StoredMediaMessage {
  return (MEDIA_TYPES as readonly string[]).includes(message.type);
}

/** The body of a stored media message (the bodies of the media types share one shape). */
export function mediaBodyOf(message: StoredMediaMessage): StoredBody<MediaType> {
  switch (message.type) {
    case 'image':
      return message.content.image;
    case 'video':
      return message.content.video;
    case 'audio':
      return message.content.audio;
    case 'document':
      return message.content.document;
    case 'sticker':
      return message.content.sticker;
  }
}

/**
 * A row's `type` and `content` columns, read back. The database holds only what `contentOf` and `fromWire`
 * wrote, so the pair is trusted as the union it was written from.
 */
export function storedMessageOf(row: { type: string; content: unknown }): StoredMessage {
  return { type: row.type, content: row.content } as StoredMessage;
}

/** What a send stores: its body under its type, a contact card with its vCard built. */
export function contentOf(input: SendMessageInput): StoredMessage {
  switch (input.type) {
    case 'text':
      return { type: 'text', content: { text: input.text } };
    case 'image':
      return { type: 'image', content: { image: input.image } };
    case 'video':
      return { type: 'video', content: { video: input.video } };
    case 'audio':
      return { type: 'audio', content: { audio: input.audio } };
    case 'document':
      return { type: 'document', content: { document: input.document } };
    case 'sticker':
      return { type: 'sticker', content: { sticker: input.sticker } };
    case 'location':
      return { type: 'location', content: { location: input.location } };
    case 'contact':
      return { type: 'contact', content: { contact: { ...input.contact, vcard: input.contact.vcard ?? buildVcard(input.contact) } } };
    case 'reaction':
      return { type: 'reaction', content: { reaction: input.reaction } };
    case 'template':
      return { type: 'template', content: { template: input.template } };
    case 'interactive':
      return { type: 'interactive', content: { interactive: input.interactive } };
  }
}

export function renderTemplate(t: z.infer<typeof templateBody>): string {
  const parts: string[] = [];
  if (t.header) parts.push(`*${t.header}*`);
  parts.push(t.body);
  if (t.footer) parts.push(`_${t.footer}_`);
  if (t.buttons?.length) {
    parts.push(
      t.buttons
        .map((b) => (b.type === 'quick_reply' ? `▸ ${b.text}` : b.type === 'url' ? `${b.text}: ${b.url}` : `${b.text}: ${b.phone_number}`))
        .join('\n'),
    );
  }
  return parts.join('\n\n');
}

export function renderInteractive(i: z.infer<typeof interactiveBody>): string {
  const parts: string[] = [];
  if (i.header) parts.push(`*${i.header.text}*`);
  parts.push(i.body.text);
  switch (i.type) {
    case 'button':
      parts.push(i.action.buttons.map((b, n) => `${n + 1}. ${b.reply.title}`).join('\n'));
      break;
    case 'list': {
      let n = 0;
      const sections = i.action.sections.map((s) =>
        [
          ...(s.title ? [`*${s.title}*`] : []),
          ...s.rows.map((r) => `${++n}. ${r.title}${r.description ? ` — ${r.description}` : ''}`),
        ].join('\n'),
      );
      parts.push(`${i.action.button}:\n${sections.join('\n\n')}`);
      break;
    }
    case 'cta_url':
      parts.push(`${i.action.parameters.display_text}: ${i.action.parameters.url}`);
      break;
  }
  if (i.footer) parts.push(`_${i.footer.text}_`);
  return parts.join('\n\n');
}

/**
 * What the engine sends for stored content without media. Media bytes are resolved by the caller
 * (OutboundContentResolver); a reaction needs the key of the message it reacts to.
 */
export function toWire(message: Exclude<StoredMessage, StoredMediaMessage>, reactionTarget?: WireMessageKey | null): WireContent {
  switch (message.type) {
    case 'text':
      return { type: 'text', text: message.content.text };
    case 'template':
      return { type: 'text', text: renderTemplate(message.content.template) };
    case 'interactive':
      return { type: 'text', text: renderInteractive(message.content.interactive) };
    case 'location': {
      const { latitude, longitude, name, address } = message.content.location;
      return { type: 'location', latitude, longitude, name, address };
    }
    case 'contact':
      return { type: 'contact', displayName: message.content.contact.name, vcard: message.content.contact.vcard };
    case 'reaction':
      if (!reactionTarget) throw new AppError('invalid_request', 'The reaction has no target.');
      return { type: 'reaction', target: reactionTarget, emoji: message.content.reaction.emoji };
    case 'order':
      throw new AppError('invalid_request', 'An order is placed by a customer; it cannot be sent.');
    case 'unsupported':
      throw new AppError('invalid_request', 'A message of a type the gateway does not read cannot be sent.');
  }
}

/** Inbound wire content → what is stored. Reactions are resolved by the caller (`message_id`), media stored by it. */
export function fromWire(wire: WireContent): StoredMessage {
  switch (wire.type) {
    case 'text':
      return { type: 'text', content: { text: wire.text } };
    case 'location':
      return {
        type: 'location',
        content: {
          location: {
            latitude: wire.latitude,
            longitude: wire.longitude,
            ...(wire.name ? { name: wire.name } : {}),
            ...(wire.address ? { address: wire.address } : {}),
          },
        },
      };
    case 'contact':
      return { type: 'contact', content: { contact: readVcard(wire.displayName, wire.vcard) } };
    case 'reaction':
      return { type: 'reaction', content: { reaction: { message_id: null, wa_message_id: wire.target.waMessageId, emoji: wire.emoji } } };
    case 'order':
      return {
        type: 'order',
        content: {
          order: {
            order_id: wire.orderId,
            status: wire.status,
            item_count: wire.itemCount,
            total_amount_1000: wire.totalAmount1000 ?? null,
            currency: wire.currency ?? null,
            title: wire.title ?? null,
            text: wire.text ?? null,
            seller: wire.sellerJid ?? null,
          },
        },
      };
    case 'unsupported':
      return { type: 'unsupported', content: { unsupported: { keys: wire.keys } } };
    default: {
      const body: StoredBody<MediaType> = {
        media_id: null,
        ...(wire.mimeType ? { mime_type: wire.mimeType } : {}),
        ...(wire.caption ? { caption: wire.caption } : {}),
        ...(wire.fileName ? { filename: wire.fileName } : {}),
        ...(wire.fileLength !== undefined ? { file_size: wire.fileLength } : {}),
        ...(wire.sha256 ? { sha256: wire.sha256 } : {}),
        ...(wire.type === 'audio' ? { voice: !!wire.voice } : {}),
      };
      switch (wire.type) {
        case 'image':
          return { type: 'image', content: { image: body } };
        case 'video':
          return { type: 'video', content: { video: body } };
        case 'audio':
          return { type: 'audio', content: { audio: body } };
        case 'document':
          return { type: 'document', content: { document: body } };
        case 'sticker':
          return { type: 'sticker', content: { sticker: body } };
      }
    }
  }
}
