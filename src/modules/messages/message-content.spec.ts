import { AppError } from '../../platform/errors/app-error';
import {
  contentOf,
  fromWire,
  mediaBodyOf,
  renderInteractive,
  renderTemplate,
  StoredMediaMessage,
  storedMessageOf,
  toWire,
} from './message-content';

const to = '+15551234567';

describe('contentOf', () => {
  it("stores a send's body under its type", () => {
    expect(contentOf({ type: 'text', to, text: 'hi' })).toEqual({ type: 'text', content: { text: 'hi' } });
    expect(contentOf({ type: 'image', to, image: { media_id: 'med_1', mime_type: 'image/png' } })).toEqual({
      type: 'image',
      content: { image: { media_id: 'med_1', mime_type: 'image/png' } },
    });
  });

  it('builds the vCard of a contact sent by its fields', () => {
    const stored = contentOf({ type: 'contact', to, contact: { name: 'Ann', phones: [{ phone: '+15550001111' }] } });
    expect(stored.type === 'contact' && stored.content.contact.vcard).toContain('TEL;type=CELL;waid=15550001111:+15550001111');
  });
});

describe('toWire', () => {
  it('renders templates and interactive messages as text', () => {
    const template = {
      name: 't',
      body: 'Your code is 123',
      header: 'Code',
      footer: 'Thanks',
      buttons: [{ type: 'quick_reply' as const, text: 'OK' }],
    };
    expect(renderTemplate(template)).toBe('*Code*\n\nYour code is 123\n\n_Thanks_\n\n▸ OK');
    expect(toWire({ type: 'template', content: { template } })).toEqual({ type: 'text', text: renderTemplate(template) });
    const interactive = {
      type: 'button' as const,
      body: { text: 'Coming?' },
      action: {
        buttons: [
          { type: 'reply' as const, reply: { id: 'y', title: 'Yes' } },
          { type: 'reply' as const, reply: { id: 'n', title: 'No' } },
        ],
      },
    };
    expect(renderInteractive(interactive)).toBe('Coming?\n\n1. Yes\n2. No');
  });

  it('points a reaction at the key it is given, and refuses one without', () => {
    const target = { chatJid: '15551234567@s.whatsapp.net', waMessageId: 'W1', fromMe: false };
    const reaction = { type: 'reaction' as const, content: { reaction: { message_id: 'msg_1', emoji: '👍' } } };
    expect(toWire(reaction, target)).toEqual({ type: 'reaction', target, emoji: '👍' });
    expect(() => toWire(reaction, null)).toThrow(AppError);
  });
});

describe('fromWire', () => {
  it('stores received media as metadata, with no media id until the bytes are stored', () => {
    const stored = fromWire({ type: 'audio', mimeType: 'audio/ogg', voice: true, fileLength: 12 });
    expect(stored).toEqual({ type: 'audio', content: { audio: { media_id: null, mime_type: 'audio/ogg', file_size: 12, voice: true } } });
    expect(mediaBodyOf(stored as StoredMediaMessage).mime_type).toBe('audio/ogg');
  });

  it('stores a reaction by the WhatsApp id it names, its message id resolved later', () => {
    expect(fromWire({ type: 'reaction', target: { chatJid: 'x@s.whatsapp.net', waMessageId: 'W9', fromMe: true }, emoji: '❤' })).toEqual({
      type: 'reaction',
      content: { reaction: { message_id: null, wa_message_id: 'W9', emoji: '❤' } },
    });
  });

  it("reads back what it stored from a row's columns", () => {
    const stored = fromWire({ type: 'location', latitude: 1, longitude: 2, name: 'Here' });
    expect(storedMessageOf({ type: stored.type, content: JSON.parse(JSON.stringify(stored.content)) })).toEqual(stored);
  });
});
