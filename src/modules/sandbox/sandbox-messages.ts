import { createHash } from 'node:crypto';
import type { WireContent } from '../../engine/message-content';
import type { OutgoingContent, ReceivedContent } from '../../simulator';
import { readVcard } from '../whatsapp/vcard';

/** What the gateway would send, as the simulated contact's phone sends it. */
export function toSimulatorContent(wire: WireContent): OutgoingContent {
  switch (wire.type) {
    case 'text':
    case 'location':
    case 'contact':
      return wire;
    case 'reaction':
      // The contact's side of the key: its own message is "from me" for it.
      return { type: 'reaction', messageId: wire.target.waMessageId, emoji: wire.emoji, fromMe: !wire.target.fromMe };
    case 'order':
      throw new Error("orders are placed with the simulator's placeOrder");
    case 'unsupported':
      throw new Error('unsupported content');
    default:
      return {
        type: wire.type,
        data: wire.data ?? Buffer.alloc(0),
        mimetype: wire.mimeType,
        caption: wire.caption,
        fileName: wire.fileName,
        ptt: wire.voice,
      };
  }
}

/** A decrypted message on a contact's phone, in the shapes of the API. */
export function fromSimulatorContent(content: ReceivedContent): { type: string; content: Record<string, unknown> } {
  switch (content.type) {
    case 'text':
      return { type: 'text', content: { text: content.text } };
    case 'location': {
      const { type: _t, ...location } = content;
      return { type: 'location', content: { location } };
    }
    case 'contact':
      return { type: 'contact', content: { contact: readVcard(content.displayName, content.vcard) } };
    case 'reaction':
      return { type: 'reaction', content: { reaction: { wa_message_id: content.messageId, emoji: content.emoji } } };
    case 'other':
      return { type: 'unsupported', content: { unsupported: { keys: content.keys } } };
    default:
      return {
        type: content.type,
        content: {
          [content.type]: {
            ...(content.mimetype ? { mime_type: content.mimetype } : {}),
            ...(content.caption ? { caption: content.caption } : {}),
            ...(content.fileName ? { filename: content.fileName } : {}),
            ...(content.type === 'audio' ? { voice: !!content.ptt } : {}),
            file_size: content.data?.length ?? content.fileLength ?? null,
            sha256: content.data ? createHash('sha256').update(content.data).digest('hex') : null,
          },
        },
      };
  }
}
