import { proto, WAMessage, WAMessageKey } from '@whiskeysockets/baileys';
import type { WireContent } from '../message-content';
import {
  readContent,
  readInbound,
  readStatusUpdate,
  readUserReceipt,
  toBaileysContent,
  toBaileysKey,
  toProtoMessage,
} from './baileys-messages';

const CONTACT = '15551234567@s.whatsapp.net';
const CONTACT_LID = '123456789012345@lid';
const GROUP = '120363025555555555@g.us';
const MEMBER = '15557654321@s.whatsapp.net';
const MEMBER_LID = '987654321098765@lid';
const OWN = '15550001111:7@s.whatsapp.net';
const SHA = Buffer.from('0123456789abcdef0123456789abcdef');
const VCARD = 'BEGIN:VCARD\nVERSION:3.0\nFN:Ana Lima\nTEL;type=CELL;waid=15551234567:+1 555 123 4567\nEND:VCARD';

/** A message as Baileys hands it over after decryption: decoded from protobuf bytes (Longs, Uint8Arrays). */
function decoded(message: proto.IMessage): proto.Message {
  return proto.Message.decode(proto.Message.encode(message).finish());
}

function received(key: WAMessageKey, message: proto.IMessage | null, extra: Partial<WAMessage> = {}): WAMessage {
  return { key, message: message && decoded(message), messageTimestamp: 1_700_000_000, pushName: 'Ana', ...extra };
}

describe('toBaileysContent (wire content → what Baileys sends)', () => {
  const bytes = Buffer.from('media bytes');

  it('sends text without a link preview', () => {
    expect(toBaileysContent({ type: 'text', text: 'hello' })).toStrictEqual({ text: 'hello', linkPreview: null });
  });

  it('sends a location with its name and address', () => {
    expect(toBaileysContent({ type: 'location', latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Main St 1' })).toEqual({
      location: { degreesLatitude: 52.52, degreesLongitude: 13.405, name: 'Office', address: 'Main St 1' },
    });
  });

  it('sends a contact as a one-card contacts message', () => {
    expect(toBaileysContent({ type: 'contact', displayName: 'Ana Lima', vcard: VCARD })).toStrictEqual({
      contacts: { displayName: 'Ana Lima', contacts: [{ displayName: 'Ana Lima', vcard: VCARD }] },
    });
  });

  it('sends a reaction to its target key, the author included in a group', () => {
    const target = { chatJid: GROUP, waMessageId: '3EB0TARGET', fromMe: false, participant: MEMBER };
    expect(toBaileysContent({ type: 'reaction', target, emoji: '👍' })).toStrictEqual({
      react: { text: '👍', key: { remoteJid: GROUP, id: '3EB0TARGET', fromMe: false, participant: MEMBER } },
    });
  });

  it('sends an empty reaction (which removes one) as it is', () => {
    const target = { chatJid: CONTACT, waMessageId: '3EB0TARGET', fromMe: true };
    expect(toBaileysContent({ type: 'reaction', target, emoji: '' })).toStrictEqual({
      react: { text: '', key: { remoteJid: CONTACT, id: '3EB0TARGET', fromMe: true } },
    });
  });

  it('sends image, video and sticker bytes with their caption and type', () => {
    expect(toBaileysContent({ type: 'image', data: bytes, caption: 'a cat', mimeType: 'image/jpeg' })).toStrictEqual({
      image: bytes,
      caption: 'a cat',
      mimetype: 'image/jpeg',
    });
    expect(toBaileysContent({ type: 'video', data: bytes, caption: 'a clip', mimeType: 'video/mp4' })).toStrictEqual({
      video: bytes,
      caption: 'a clip',
      mimetype: 'video/mp4',
    });
    expect(toBaileysContent({ type: 'sticker', data: bytes, mimeType: 'image/webp' })).toEqual({ sticker: bytes, mimetype: 'image/webp' });
  });

  it('sends audio as Opus in Ogg unless told otherwise, and as a voice note only when asked', () => {
    expect(toBaileysContent({ type: 'audio', data: bytes })).toStrictEqual({
      audio: bytes,
      mimetype: 'audio/ogg; codecs=opus',
      ptt: false,
    });
    expect(toBaileysContent({ type: 'audio', data: bytes, voice: true })).toStrictEqual({
      audio: bytes,
      mimetype: 'audio/ogg; codecs=opus',
      ptt: true,
    });
    expect(toBaileysContent({ type: 'audio', data: bytes, mimeType: 'audio/mpeg', voice: false })).toStrictEqual({
      audio: bytes,
      mimetype: 'audio/mpeg',
      ptt: false,
    });
  });

  it('sends a document with its file name, or a generic name and type when none is given', () => {
    expect(
      toBaileysContent({ type: 'document', data: bytes, mimeType: 'application/pdf', fileName: 'report.pdf', caption: 'Q3' }),
    ).toStrictEqual({ document: bytes, mimetype: 'application/pdf', fileName: 'report.pdf', caption: 'Q3' });
    expect(toBaileysContent({ type: 'document', data: bytes })).toEqual({
      document: bytes,
      mimetype: 'application/octet-stream',
      fileName: 'file',
    });
  });

  it.each(['image', 'video', 'audio', 'sticker', 'document'] as const)('refuses %s content without bytes', (type) => {
    expect(() => toBaileysContent({ type, mimeType: 'x/y' })).toThrow('media content without bytes');
  });

  it('refuses to send unsupported content', () => {
    expect(() => toBaileysContent({ type: 'unsupported', keys: ['pollCreationMessage'] })).toThrow('unsupported content cannot be sent');
  });
});

describe('toBaileysKey', () => {
  it('names the chat, the id and the side, and the author only when there is one', () => {
    expect(toBaileysKey({ chatJid: CONTACT, waMessageId: 'ABC', fromMe: true })).toStrictEqual({
      remoteJid: CONTACT,
      id: 'ABC',
      fromMe: true,
    });
    expect(toBaileysKey({ chatJid: GROUP, waMessageId: 'ABC', fromMe: false, participant: MEMBER })).toStrictEqual({
      remoteJid: GROUP,
      id: 'ABC',
      fromMe: false,
      participant: MEMBER,
    });
  });
});

describe('toProtoMessage (stored content → the message WhatsApp asks to be re-sent)', () => {
  afterEach(() => jest.useRealTimers());

  it('rebuilds text as a conversation', () => {
    expect(toProtoMessage({ type: 'text', text: 'hello' })).toStrictEqual({ conversation: 'hello' });
  });

  it('rebuilds a location and a contact', () => {
    expect(toProtoMessage({ type: 'location', latitude: -33.8568, longitude: 151.2153, name: 'Opera House', address: 'Sydney' })).toEqual({
      locationMessage: { degreesLatitude: -33.8568, degreesLongitude: 151.2153, name: 'Opera House', address: 'Sydney' },
    });
    expect(toProtoMessage({ type: 'contact', displayName: 'Ana Lima', vcard: VCARD })).toStrictEqual({
      contactMessage: { displayName: 'Ana Lima', vcard: VCARD },
    });
  });

  it('rebuilds a reaction stamped with the time of the re-send', () => {
    jest.useFakeTimers({ now: new Date('2026-01-02T03:04:05.678Z') });
    const target = { chatJid: GROUP, waMessageId: 'TARGET', fromMe: false, participant: MEMBER };
    expect(toProtoMessage({ type: 'reaction', target, emoji: '❤️' })).toStrictEqual({
      reactionMessage: {
        key: { remoteJid: GROUP, id: 'TARGET', fromMe: false, participant: MEMBER },
        text: '❤️',
        senderTimestampMs: Date.parse('2026-01-02T03:04:05.678Z'),
      },
    });
  });

  it.each<WireContent>([
    { type: 'image', mimeType: 'image/jpeg', sha256: SHA.toString('base64') },
    { type: 'video', mimeType: 'video/mp4' },
    { type: 'audio', voice: true },
    { type: 'document', fileName: 'report.pdf' },
    { type: 'sticker', mimeType: 'image/webp' },
    { type: 'unsupported', keys: ['pollCreationMessage'] },
  ])('has nothing to re-send for $type content (media is not re-uploaded)', (content) => {
    expect(toProtoMessage(content)).toBeUndefined();
  });

  it.each<WireContent>([
    { type: 'text', text: 'hello' },
    { type: 'location', latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Main St 1' },
    { type: 'contact', displayName: 'Ana Lima', vcard: VCARD },
    { type: 'reaction', target: { chatJid: GROUP, waMessageId: 'TARGET', fromMe: false, participant: MEMBER }, emoji: '🎉' },
  ])('rebuilds $type content as a protobuf message that encodes, decodes and reads back the same', (content) => {
    expect(readContent(decoded(toProtoMessage(content)!))).toEqual(content);
  });
});

describe('readContent (a received protobuf message → wire content)', () => {
  it('reads a plain conversation and an extended text (a reply, a link) as text', () => {
    expect(readContent(decoded({ conversation: 'hello' }))).toStrictEqual({ type: 'text', text: 'hello' });
    expect(
      readContent(
        decoded({
          extendedTextMessage: {
            text: 'see https://example.com',
            matchedText: 'https://example.com',
            contextInfo: { stanzaId: 'QUOTED', participant: MEMBER, quotedMessage: { conversation: 'which site?' } },
          },
        }),
      ),
    ).toStrictEqual({ type: 'text', text: 'see https://example.com' });
  });

  it('reads an image: type, caption, size and SHA-256 in base64, no bytes', () => {
    const message = decoded({
      imageMessage: { url: 'https://mmg.whatsapp.net/x', mimetype: 'image/jpeg', caption: 'a cat', fileLength: 12345, fileSha256: SHA },
      messageContextInfo: { deviceListMetadataVersion: 2 },
    });
    expect(readContent(message)).toEqual({
      type: 'image',
      mimeType: 'image/jpeg',
      caption: 'a cat',
      fileLength: 12345,
      sha256: SHA.toString('base64'),
    });
  });

  it('reads a size above 32 bits (a protobuf Long) as a number', () => {
    expect(readContent(decoded({ videoMessage: { mimetype: 'video/mp4', fileLength: 5_000_000_000, seconds: 90 } }))).toEqual({
      type: 'video',
      mimeType: 'video/mp4',
      fileLength: 5_000_000_000,
    });
  });

  it('reads a video with its caption', () => {
    expect(readContent(decoded({ videoMessage: { mimetype: 'video/mp4', caption: 'a clip', fileLength: 2048, fileSha256: SHA } }))).toEqual(
      {
        type: 'video',
        mimeType: 'video/mp4',
        caption: 'a clip',
        fileLength: 2048,
        sha256: SHA.toString('base64'),
      },
    );
  });

  it('reads audio as a voice note when it is push-to-talk, and as plain audio otherwise', () => {
    expect(readContent(decoded({ audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 3, fileLength: 4000 } }))).toEqual(
      {
        type: 'audio',
        mimeType: 'audio/ogg; codecs=opus',
        fileLength: 4000,
        voice: true,
      },
    );
    expect(readContent(decoded({ audioMessage: { mimetype: 'audio/mpeg', seconds: 180 } }))).toEqual({
      type: 'audio',
      mimeType: 'audio/mpeg',
      voice: false,
    });
  });

  it('reads a document with its file name, and a sticker', () => {
    expect(
      readContent(decoded({ documentMessage: { mimetype: 'application/pdf', fileName: 'report.pdf', fileLength: 99, fileSha256: SHA } })),
    ).toEqual({ type: 'document', mimeType: 'application/pdf', fileName: 'report.pdf', fileLength: 99, sha256: SHA.toString('base64') });
    expect(readContent(decoded({ stickerMessage: { mimetype: 'image/webp', isAnimated: false } }))).toEqual({
      type: 'sticker',
      mimeType: 'image/webp',
    });
  });

  it('reads a location, with or without its name and address', () => {
    expect(
      readContent(decoded({ locationMessage: { degreesLatitude: 52.52, degreesLongitude: 13.405, name: 'Office', address: 'Main St 1' } })),
    ).toEqual({ type: 'location', latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Main St 1' });
    expect(readContent(decoded({ locationMessage: { degreesLatitude: -1.5, degreesLongitude: 0 } }))).toEqual({
      type: 'location',
      latitude: -1.5,
      longitude: 0,
    });
  });

  it('reads a contact card, and the first card of several', () => {
    expect(readContent(decoded({ contactMessage: { displayName: 'Ana Lima', vcard: VCARD } }))).toStrictEqual({
      type: 'contact',
      displayName: 'Ana Lima',
      vcard: VCARD,
    });
    const second = 'BEGIN:VCARD\nVERSION:3.0\nFN:Bo\nEND:VCARD';
    expect(
      readContent(
        decoded({
          contactsArrayMessage: {
            displayName: '2 contacts',
            contacts: [
              { displayName: 'Ana Lima', vcard: VCARD },
              { displayName: 'Bo', vcard: second },
            ],
          },
        }),
      ),
    ).toStrictEqual({ type: 'contact', displayName: 'Ana Lima', vcard: VCARD });
  });

  it('reads a reaction with its target key, normalising the author jid', () => {
    const message = decoded({
      reactionMessage: {
        key: { remoteJid: GROUP, fromMe: false, id: 'TARGET', participant: '15557654321:12@s.whatsapp.net' },
        text: '👍',
        senderTimestampMs: 1,
      },
    });
    expect(readContent(message)).toStrictEqual({
      type: 'reaction',
      target: { chatJid: GROUP, waMessageId: 'TARGET', fromMe: false, participant: MEMBER },
      emoji: '👍',
    });
  });

  it('reads a removed reaction as an empty emoji, targeting this account’s message', () => {
    const message = decoded({ reactionMessage: { key: { remoteJid: CONTACT, fromMe: true, id: 'MINE' }, text: '', senderTimestampMs: 1 } });
    expect(readContent(message)).toStrictEqual({
      type: 'reaction',
      target: { chatJid: CONTACT, waMessageId: 'MINE', fromMe: true },
      emoji: '',
    });
  });

  it('unwraps disappearing, view-once, captioned-document and own-device wrappers', () => {
    expect(readContent(decoded({ ephemeralMessage: { message: { extendedTextMessage: { text: 'vanishing' } } } }))).toStrictEqual({
      type: 'text',
      text: 'vanishing',
    });
    expect(readContent(decoded({ viewOnceMessage: { message: { imageMessage: { mimetype: 'image/jpeg', viewOnce: true } } } }))).toEqual({
      type: 'image',
      mimeType: 'image/jpeg',
    });
    expect(readContent(decoded({ viewOnceMessageV2: { message: { videoMessage: { mimetype: 'video/mp4', viewOnce: true } } } }))).toEqual({
      type: 'video',
      mimeType: 'video/mp4',
    });
    expect(
      readContent(
        decoded({
          documentWithCaptionMessage: { message: { documentMessage: { mimetype: 'text/csv', fileName: 'a.csv', caption: 'data' } } },
        }),
      ),
    ).toEqual({ type: 'document', mimeType: 'text/csv', fileName: 'a.csv', caption: 'data' });
    expect(
      readContent(decoded({ deviceSentMessage: { destinationJid: CONTACT, message: { conversation: 'from my phone' } } })),
    ).toStrictEqual({
      type: 'text',
      text: 'from my phone',
    });
  });

  it('unwraps a view-once voice note (viewOnceMessageV2Extension) as audio', () => {
    const message = decoded({
      viewOnceMessageV2Extension: {
        message: { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true, viewOnce: true, seconds: 4 } },
      },
    });
    expect(readContent(message)).toEqual({ type: 'audio', mimeType: 'audio/ogg; codecs=opus', voice: true });
  });

  it('unwraps wrappers nested in one another', () => {
    const message = decoded({
      ephemeralMessage: {
        message: { viewOnceMessageV2: { message: { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true } } } },
      },
    });
    expect(readContent(message)).toEqual({ type: 'audio', mimeType: 'audio/ogg; codecs=opus', voice: true });
  });

  it('lists the keys of a message it has no mapping for, leaving out protocol keys', () => {
    const message = decoded({
      pollCreationMessage: { name: 'Lunch?', options: [{ optionName: 'yes' }, { optionName: 'no' }], selectableOptionsCount: 1 },
      messageContextInfo: { messageSecret: Buffer.alloc(32, 1) },
    });
    expect(readContent(message)).toStrictEqual({ type: 'unsupported', keys: ['pollCreationMessage'] });
  });

  it('lists the keys inside a wrapper, and extended text without text', () => {
    expect(readContent(decoded({ ephemeralMessage: { message: { eventMessage: { name: 'Party' } } } }))).toStrictEqual({
      type: 'unsupported',
      keys: ['eventMessage'],
    });
    expect(readContent(decoded({ extendedTextMessage: { contextInfo: { stanzaId: 'X' } } }))).toStrictEqual({
      type: 'unsupported',
      keys: ['extendedTextMessage'],
    });
  });

  it('reads protocol-only messages (revoke, sender key distribution, context info) as nothing', () => {
    expect(readContent(decoded({ protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { id: 'GONE' } } }))).toBeNull();
    expect(
      readContent(
        decoded({
          senderKeyDistributionMessage: { groupId: GROUP, axolotlSenderKeyDistributionMessage: Buffer.from([1, 2, 3]) },
          messageContextInfo: { deviceListMetadataVersion: 2 },
        }),
      ),
    ).toBeNull();
    expect(readContent(decoded({}))).toBeNull();
  });
});

describe('readInbound (messages.upsert → inbound wire message)', () => {
  afterEach(() => jest.useRealTimers());

  it('reads a 1:1 message from the contact, with push name and time', () => {
    const msg = received({ remoteJid: CONTACT, fromMe: false, id: '3EB0AAA' }, { conversation: 'hi' });
    expect(readInbound(msg, false, OWN)).toStrictEqual({
      key: { chatJid: CONTACT, waMessageId: '3EB0AAA', fromMe: false },
      senderJid: CONTACT,
      pushName: 'Ana',
      timestamp: new Date(1_700_000_000_000),
      content: { type: 'text', text: 'hi' },
      offline: false,
    });
  });

  it('drops the call notices Baileys writes as messages: a group call offer, a missed-call stub', () => {
    const groupCall = received({ remoteJid: '1203@g.us', fromMe: false, id: 'C1' }, { call: { callKey: Buffer.from('C1') } });
    expect(readInbound(groupCall, false, OWN)).toBeNull();
    const missed = {
      key: { remoteJid: CONTACT, fromMe: false, id: 'C2' },
      messageStubType: proto.WebMessageInfo.StubType.CALL_MISSED_VOICE,
    };
    expect(readInbound(missed, false, OWN)).toBeNull();
  });

  it('passes on whether the message came from the offline queue', () => {
    const msg = received({ remoteJid: CONTACT, fromMe: false, id: '3EB0AAA' }, { conversation: 'hi' });
    expect(readInbound(msg, true, OWN)?.offline).toBe(true);
  });

  it('reads the timestamp of a decoded WebMessageInfo (a protobuf Long)', () => {
    const info = proto.WebMessageInfo.decode(
      proto.WebMessageInfo.encode({
        key: { remoteJid: CONTACT, fromMe: false, id: 'L' },
        messageTimestamp: 1_750_000_000,
        message: { conversation: 'x' },
      }).finish(),
    );
    expect(readInbound({ ...info, key: info.key! }, false, OWN)?.timestamp).toEqual(new Date(1_750_000_000_000));
  });

  it('stamps a message without a timestamp with the time it was read', () => {
    jest.useFakeTimers({ now: new Date('2026-03-04T05:06:07.000Z') });
    const msg = received(
      { remoteJid: CONTACT, fromMe: false, id: 'T' },
      { conversation: 'x' },
      { messageTimestamp: undefined, pushName: undefined },
    );
    expect(readInbound(msg, false, OWN)).toStrictEqual({
      key: { chatJid: CONTACT, waMessageId: 'T', fromMe: false },
      senderJid: CONTACT,
      pushName: undefined,
      timestamp: new Date('2026-03-04T05:06:07.000Z'),
      content: { type: 'text', text: 'x' },
      offline: false,
    });
  });

  it('gives the sender’s LID when WhatsApp named it beside the phone number (remoteJidAlt)', () => {
    const msg = received({ remoteJid: CONTACT, remoteJidAlt: '123456789012345:3@lid', fromMe: false, id: 'L1' }, { conversation: 'hi' });
    expect(readInbound(msg, false, OWN)).toMatchObject({ senderJid: CONTACT, senderLid: CONTACT_LID, key: { chatJid: CONTACT } });
  });

  it('gives no LID when the alternative is a phone number, or when the chat is only known by its LID', () => {
    const byPhone = received(
      { remoteJid: CONTACT, remoteJidAlt: '15559999999@s.whatsapp.net', fromMe: false, id: 'P' },
      { conversation: 'hi' },
    );
    expect(readInbound(byPhone, false, OWN)).not.toHaveProperty('senderLid');
    const lidOnly = received({ remoteJid: CONTACT_LID, fromMe: false, id: 'Q' }, { conversation: 'hi' });
    const read = readInbound(lidOnly, false, OWN);
    expect(read).toMatchObject({ senderJid: CONTACT_LID, key: { chatJid: CONTACT_LID } });
    expect(read).not.toHaveProperty('senderLid');
  });

  it('reads a group message as sent by its participant, with the participant’s LID (participantAlt)', () => {
    const msg = received(
      { remoteJid: GROUP, participant: '15557654321:4@s.whatsapp.net', participantAlt: MEMBER_LID, fromMe: false, id: 'G1' },
      { extendedTextMessage: { text: 'hello group' } },
      { pushName: 'Bo' },
    );
    expect(readInbound(msg, false, OWN)).toStrictEqual({
      key: { chatJid: GROUP, waMessageId: 'G1', fromMe: false, participant: MEMBER },
      senderJid: MEMBER,
      senderLid: MEMBER_LID,
      pushName: 'Bo',
      timestamp: new Date(1_700_000_000_000),
      content: { type: 'text', text: 'hello group' },
      offline: false,
    });
  });

  it('ignores remoteJidAlt in a group: the sender is the participant', () => {
    const msg = received(
      { remoteJid: GROUP, participant: MEMBER, remoteJidAlt: CONTACT_LID, fromMe: false, id: 'G2' },
      { conversation: 'x' },
    );
    const read = readInbound(msg, false, OWN);
    expect(read?.senderJid).toBe(MEMBER);
    expect(read).not.toHaveProperty('senderLid');
  });

  it('reads this account’s own messages as sent by its own jid (device suffix dropped), without a LID', () => {
    const direct = received(
      { remoteJid: CONTACT, remoteJidAlt: CONTACT_LID, fromMe: true, id: 'OWN1' },
      { conversation: 'sent elsewhere' },
    );
    expect(readInbound(direct, false, OWN)).toStrictEqual({
      key: { chatJid: CONTACT, waMessageId: 'OWN1', fromMe: true },
      senderJid: '15550001111@s.whatsapp.net',
      pushName: 'Ana',
      timestamp: new Date(1_700_000_000_000),
      content: { type: 'text', text: 'sent elsewhere' },
      offline: false,
    });
    const inGroup = received(
      { remoteJid: GROUP, participant: OWN, participantAlt: MEMBER_LID, fromMe: true, id: 'OWN2' },
      { conversation: 'x' },
    );
    const read = readInbound(inGroup, false, OWN);
    expect(read).toMatchObject({
      senderJid: '15550001111@s.whatsapp.net',
      key: { fromMe: true, participant: '15550001111@s.whatsapp.net' },
    });
    expect(read).not.toHaveProperty('senderLid');
  });

  it('reads media and reactions through the content reader', () => {
    const image = received({ remoteJid: CONTACT, fromMe: false, id: 'M' }, { imageMessage: { mimetype: 'image/png', fileLength: 10 } });
    expect(readInbound(image, false, OWN)?.content).toEqual({ type: 'image', mimeType: 'image/png', fileLength: 10 });
    const reaction = received(
      { remoteJid: CONTACT, fromMe: false, id: 'R' },
      { reactionMessage: { key: { remoteJid: CONTACT, fromMe: true, id: 'MINE' }, text: '😂' } },
    );
    expect(readInbound(reaction, false, OWN)?.content).toStrictEqual({
      type: 'reaction',
      target: { chatJid: CONTACT, waMessageId: 'MINE', fromMe: true },
      emoji: '😂',
    });
  });

  it("reads a contact's story (status@broadcast): the author is the participant, the LID beside it kept", () => {
    const msg = received(
      { remoteJid: 'status@broadcast', participant: MEMBER, remoteJidAlt: '99887766554433@lid', fromMe: false, id: 'S' },
      { extendedTextMessage: { text: 'my status', backgroundArgb: 0xff112233 } },
    );
    expect(readInbound(msg, false, OWN)).toMatchObject({
      key: { chatJid: 'status@broadcast', waMessageId: 'S', fromMe: false, participant: MEMBER },
      senderJid: MEMBER,
      senderLid: '99887766554433@lid',
      content: { type: 'text', text: 'my status' },
    });
  });

  it('ignores protocol-only messages and undecryptable stubs', () => {
    const revoke = received(
      { remoteJid: CONTACT, fromMe: false, id: 'P' },
      { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { id: 'X' } } },
    );
    expect(readInbound(revoke, false, OWN)).toBeNull();
    const stub = received({ remoteJid: CONTACT, fromMe: false, id: 'C' }, null, {
      messageStubType: proto.WebMessageInfo.StubType.CIPHERTEXT,
      messageStubParameters: ['No session'],
    });
    expect(readInbound(stub, false, OWN)).toBeNull();
  });

  it('ignores a message without an id or a chat', () => {
    expect(readInbound(received({ remoteJid: CONTACT, fromMe: false }, { conversation: 'x' }), false, OWN)).toBeNull();
    expect(readInbound(received({ fromMe: false, id: 'X' }, { conversation: 'x' }), false, OWN)).toBeNull();
  });

  it('reads an unmapped message as unsupported, listing its keys', () => {
    const msg = received(
      { remoteJid: CONTACT, fromMe: false, id: 'U' },
      { pollCreationMessage: { name: 'Lunch?', options: [{ optionName: 'yes' }] } },
    );
    expect(readInbound(msg, false, OWN)?.content).toStrictEqual({ type: 'unsupported', keys: ['pollCreationMessage'] });
  });
});

describe('readStatusUpdate (messages.update → receipt of a message this account sent)', () => {
  const Status = proto.WebMessageInfo.Status;
  const key: proto.IMessageKey = { remoteJid: CONTACT, fromMe: true, id: 'SENT1' };
  const wireKey = { chatJid: CONTACT, waMessageId: 'SENT1', fromMe: true };

  it.each([
    [Status.SERVER_ACK, 'sent'],
    [Status.DELIVERY_ACK, 'delivered'],
    [Status.READ, 'read'],
    [Status.PLAYED, 'read'],
  ] as const)('reads status %i as %s', (status, wire) => {
    expect(readStatusUpdate(key, { status })).toStrictEqual({ key: wireKey, status: wire });
  });

  it('reads an error as failed, with WhatsApp’s code in the reason when it gave one', () => {
    expect(readStatusUpdate(key, { status: Status.ERROR })).toStrictEqual({ key: wireKey, status: 'failed', reason: 'whatsapp_error' });
    expect(readStatusUpdate(key, { status: Status.ERROR, messageStubParameters: ['463'] })).toStrictEqual({
      key: wireKey,
      status: 'failed',
      reason: 'whatsapp_error_463',
    });
  });

  it('ignores pending, updates without a status, messages of others and keys without an id', () => {
    expect(readStatusUpdate(key, { status: Status.PENDING })).toBeNull();
    expect(readStatusUpdate(key, { starred: true })).toBeNull();
    expect(readStatusUpdate({ ...key, fromMe: false }, { status: Status.READ })).toBeNull();
    expect(readStatusUpdate({ remoteJid: CONTACT, fromMe: true }, { status: Status.READ })).toBeNull();
  });

  it('normalises the chat jid of the key (old c.us form, device suffix) and keeps a group author', () => {
    expect(readStatusUpdate({ remoteJid: '15551234567:2@c.us', fromMe: true, id: 'S' }, { status: Status.DELIVERY_ACK })).toStrictEqual({
      key: { chatJid: CONTACT, waMessageId: 'S', fromMe: true },
      status: 'delivered',
    });
    expect(readStatusUpdate({ remoteJid: GROUP, fromMe: true, id: 'S', participant: OWN }, { status: Status.SERVER_ACK })).toStrictEqual({
      key: { chatJid: GROUP, waMessageId: 'S', fromMe: true, participant: '15550001111@s.whatsapp.net' },
      status: 'sent',
    });
  });
});

describe('readUserReceipt (message-receipt.update → group receipt)', () => {
  const key: proto.IMessageKey = { remoteJid: GROUP, fromMe: true, id: 'G1', participant: OWN };
  const wireKey = { chatJid: GROUP, waMessageId: 'G1', fromMe: true, participant: '15550001111@s.whatsapp.net' };

  it('reads a read or played receipt as read, even with a delivery time beside it', () => {
    expect(readUserReceipt(key, proto.UserReceipt.create({ userJid: MEMBER, receiptTimestamp: 1, readTimestamp: 2 }))).toStrictEqual({
      key: wireKey,
      status: 'read',
      at: new Date(2000),
    });
    expect(readUserReceipt(key, proto.UserReceipt.create({ userJid: MEMBER, playedTimestamp: 3 }))).toStrictEqual({
      key: wireKey,
      status: 'read',
      at: new Date(3000),
    });
  });

  it('reads a delivery receipt as delivered', () => {
    expect(readUserReceipt(key, proto.UserReceipt.create({ userJid: MEMBER, receiptTimestamp: 1 }))).toStrictEqual({
      key: wireKey,
      status: 'delivered',
      at: new Date(1000),
    });
  });

  it('ignores a receipt without a time, and a key without an id', () => {
    expect(readUserReceipt(key, proto.UserReceipt.create({ userJid: MEMBER, pendingDeviceJid: [MEMBER] }))).toBeNull();
    expect(readUserReceipt({ remoteJid: GROUP, fromMe: true }, proto.UserReceipt.create({ userJid: MEMBER, readTimestamp: 2 }))).toBeNull();
  });
});
