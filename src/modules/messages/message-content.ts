import type { WireContent, WireMessageKey } from '../../engine/message-content';
import { AppError } from '../../platform/errors/app-error';
import type { z } from 'zod';
import type { contactBody, interactiveBody, MessageType, SendMessageInput, templateBody } from './messages.contracts';

/** The stored content of a message: `{ [type]: body }`, the same shape as the send request's. */
export type StoredContent = Record<string, unknown>;

/** E.164 numbers, user JIDs, LIDs and group JIDs → the JID to send to; anything else is invalid_request on `field`. */
export function parseRecipient(to: string, field: (string | number)[] = ['to']): string {
  const value = to.trim();
  let match: RegExpMatchArray | null;
  if ((match = value.match(/^\+?([1-9]\d{6,14})$/))) return `${match[1]}@s.whatsapp.net`;
  if ((match = value.match(/^([1-9]\d{6,14})(?::\d+)?@(s\.whatsapp\.net|c\.us)$/))) return `${match[1]}@s.whatsapp.net`;
  if (/^\d{1,20}@lid$/.test(value)) return value;
  if (/^\d{5,30}(-\d{1,20})?@g\.us$/.test(value)) return value;
  throw new AppError('invalid_request', `Invalid ${field.join('.')}: not an E.164 number, user JID, LID or group JID.`, {
    details: { issues: [{ path: field, code: 'invalid_recipient', message: 'must be an E.164 number (+15551234567), a user JID (…@s.whatsapp.net), a LID (…@lid) or a group JID (…@g.us)' }] },
  });
}

/**
 * Whether a value has the shape of a JID the gateway stores (user, LID, group, broadcast list): the keys of
 * chats and contacts, which their cursors carry.
 */
export function isJid(value: string): boolean {
  return /^[0-9A-Za-z._:+-]{1,128}@[a-z0-9.]{1,64}$/.test(value);
}

/** The phone number of a user JID, E.164; null for LIDs and groups. */
export function phoneOf(jid: string): string | null {
  const match = jid.match(/^(\d+)(?::\d+)?@s\.whatsapp\.net$/);
  return match ? `+${match[1]}` : null;
}

export function contentOf(input: SendMessageInput): StoredContent {
  const body = (input as unknown as Record<string, unknown>)[input.type];
  if (input.type === 'contact') {
    const contact = body as z.infer<typeof contactBody>;
    return { contact: { ...contact, vcard: contact.vcard ?? buildVcard(contact) } };
  }
  return { [input.type]: body };
}

export function buildVcard(contact: z.infer<typeof contactBody>): string {
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escape(contact.name)}`];
  if (contact.organization) lines.push(`ORG:${escape(contact.organization)}`);
  for (const { phone, type } of contact.phones) {
    const digits = phone.replace(/\D/g, '');
    lines.push(`TEL;type=${(type ?? 'CELL').toUpperCase()};waid=${digits}:${phone}`);
  }
  lines.push('END:VCARD');
  return lines.join('\n');
}

function escape(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
}

/** An inbound contact card: the name, the numbers its vCard lists, and the vCard itself. */
export function readVcard(displayName: string, vcard: string): StoredContent {
  const phones: { phone: string; type?: string }[] = [];
  for (const line of vcard.split(/\r?\n/)) {
    if (!/^(item\d+\.)?TEL/i.test(line)) continue;
    const waid = line.match(/waid=(\d+)/i)?.[1];
    const raw = waid ?? line.slice(line.lastIndexOf(':') + 1).replace(/\D/g, '');
    if (raw) phones.push({ phone: `+${raw}`, ...(line.match(/type=([A-Z]+)/i) ? { type: line.match(/type=([A-Z]+)/i)![1].toUpperCase() } : {}) });
  }
  const organization = vcard.match(/^ORG:(.*)$/im)?.[1];
  return { name: displayName || (vcard.match(/^FN:(.*)$/im)?.[1] ?? ''), phones, ...(organization ? { organization } : {}), vcard };
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
        [...(s.title ? [`*${s.title}*`] : []), ...s.rows.map((r) => `${++n}. ${r.title}${r.description ? ` — ${r.description}` : ''}`)].join('\n'),
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
 * What the engine sends for a stored outbound message. Media is resolved by the caller (bytes);
 * a reaction needs the key of the message it reacts to.
 */
export function toWire(type: MessageType, content: StoredContent, extra: { reactionTarget?: WireMessageKey } = {}): WireContent {
  const body = content[type] as never;
  switch (type) {
    case 'text':
      return { type: 'text', text: body as string };
    case 'template':
      return { type: 'text', text: renderTemplate(body) };
    case 'interactive':
      return { type: 'text', text: renderInteractive(body) };
    case 'location': {
      const l = body as { latitude: number; longitude: number; name?: string; address?: string };
      return { type: 'location', latitude: l.latitude, longitude: l.longitude, name: l.name, address: l.address };
    }
    case 'contact': {
      const c = body as { name: string; vcard: string };
      return { type: 'contact', displayName: c.name, vcard: c.vcard };
    }
    case 'reaction': {
      const r = body as { emoji: string };
      if (!extra.reactionTarget) throw new Error('reaction without its target');
      return { type: 'reaction', target: extra.reactionTarget, emoji: r.emoji };
    }
    default:
      throw new Error(`media type ${type} needs its bytes`);
  }
}

/** Inbound wire content → the stored `{ type, content }`. Reactions are resolved by the caller. */
export function fromWire(wire: WireContent): { type: MessageType | 'unsupported'; content: StoredContent } {
  switch (wire.type) {
    case 'text':
      return { type: 'text', content: { text: wire.text } };
    case 'location':
      return {
        type: 'location',
        content: { location: { latitude: wire.latitude, longitude: wire.longitude, ...(wire.name ? { name: wire.name } : {}), ...(wire.address ? { address: wire.address } : {}) } },
      };
    case 'contact':
      return { type: 'contact', content: { contact: readVcard(wire.displayName, wire.vcard) } };
    case 'reaction':
      return { type: 'reaction', content: { reaction: { message_id: null, wa_message_id: wire.target.waMessageId, emoji: wire.emoji } } };
    case 'unsupported':
      return { type: 'unsupported', content: { unsupported: { keys: wire.keys } } };
    default: {
      const body: Record<string, unknown> = {
        media_id: null,
        ...(wire.mimeType ? { mime_type: wire.mimeType } : {}),
        ...(wire.caption ? { caption: wire.caption } : {}),
        ...(wire.fileName ? { filename: wire.fileName } : {}),
        ...(wire.fileLength !== undefined ? { file_size: wire.fileLength } : {}),
        ...(wire.sha256 ? { sha256: wire.sha256 } : {}),
        ...(wire.type === 'audio' ? { voice: !!wire.voice } : {}),
      };
      return { type: wire.type, content: { [wire.type]: body } };
    }
  }
}
