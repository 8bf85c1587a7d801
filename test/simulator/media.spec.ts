import { randomBytes } from 'crypto';
import { type WAMessage, downloadMediaMessage } from '@whiskeysockets/baileys';
import type { MediaKind, WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

const ERIN = '15550005001';
const FRANK = '15550005002';
const frankJid = `${FRANK}@s.whatsapp.net`;

describe('WhatsAppSimulator media, locations, contacts and reactions', () => {
  let sim: WhatsAppSimulator;
  let erin: TestClient;

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createPhone(FRANK, { pushName: 'Frank' });
    erin = await pairedClient(sim, ERIN, 'Erin');
  });

  afterAll(async () => {
    await erin.close();
    await sim.stop();
  });

  const outgoing: [MediaKind, (data: Buffer) => Parameters<TestClient['sock']['sendMessage']>[1]][] = [
    ['image', (data) => ({ image: data, caption: 'a picture', mimetype: 'image/png' })],
    ['video', (data) => ({ video: data, caption: 'a clip' })],
    ['audio', (data) => ({ audio: data, mimetype: 'audio/ogg; codecs=opus', seconds: 3 })],
    ['document', (data) => ({ document: data, mimetype: 'application/pdf', fileName: 'report.pdf' })],
    ['sticker', (data) => ({ sticker: data })],
  ];

  it.each(outgoing)('uploads a companion %s that the contact decrypts byte for byte', async (kind, content) => {
    const data = randomBytes(20_000 + Math.floor(Math.random() * 1000));
    const sent = await erin.sock.sendMessage(frankJid, content(data));
    const received = await sim.waitForMessage(FRANK, (m) => m.id === sent!.key.id);
    expect(received.content.type).toBe(kind);
    expect((received.content as { data?: Buffer }).data?.equals(data)).toBe(true);
  });

  it('keeps captions and file names', async () => {
    const sent = await erin.sock.sendMessage(frankJid, {
      document: randomBytes(100),
      mimetype: 'text/plain',
      fileName: 'notes.txt',
      caption: 'see notes',
    });
    const received = await sim.waitForMessage(FRANK, (m) => m.id === sent!.key.id);
    expect(received.content).toMatchObject({ type: 'document', fileName: 'notes.txt', mimetype: 'text/plain' });
  });

  const incoming: MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

  it.each(incoming)('delivers a contact %s the companion downloads byte for byte', async (kind) => {
    const data = randomBytes(30_000);
    const upsert = waitForUpsert(erin, (m) => !!m.message?.[`${kind}Message`]);
    const id = await sim.send(FRANK, ERIN, { type: kind, data, caption: 'for you', fileName: 'file.bin' });
    const message = await upsert;
    expect(message.key.id).toBe(id);
    const downloaded = await downloadMediaMessage(message, 'buffer', { options: { dispatcher: erin.media.dispatcher } });
    expect(Buffer.compare(downloaded, data)).toBe(0);
  });

  it('sends and receives locations', async () => {
    const sent = await erin.sock.sendMessage(frankJid, {
      location: { degreesLatitude: 48.85, degreesLongitude: 2.35, name: 'Paris' },
    });
    const received = await sim.waitForMessage(FRANK, (m) => m.id === sent!.key.id);
    expect(received.content).toMatchObject({ type: 'location', latitude: 48.85, longitude: 2.35, name: 'Paris' });

    const upsert = waitForUpsert(erin, (m) => !!m.message?.locationMessage);
    await sim.send(FRANK, ERIN, { type: 'location', latitude: -33.86, longitude: 151.2, address: 'Sydney' });
    expect((await upsert).message?.locationMessage).toMatchObject({ degreesLatitude: -33.86, address: 'Sydney' });
  });

  it('sends and receives contact cards', async () => {
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Grace\nTEL;type=CELL;waid=15550005003:+1 555 000 5003\nEND:VCARD';
    const sent = await erin.sock.sendMessage(frankJid, { contacts: { contacts: [{ displayName: 'Grace', vcard }] } });
    const received = await sim.waitForMessage(FRANK, (m) => m.id === sent!.key.id);
    expect(received.content).toEqual({ type: 'contact', displayName: 'Grace', vcard });

    const upsert = waitForUpsert(erin, (m) => !!m.message?.contactMessage);
    await sim.send(FRANK, ERIN, { type: 'contact', displayName: 'Heidi', vcard: vcard.replace('Grace', 'Heidi') });
    expect((await upsert).message?.contactMessage?.displayName).toBe('Heidi');
  });

  it('sends and receives reactions', async () => {
    const sent = await erin.sock.sendMessage(frankJid, { text: 'react to this' });
    const reaction = await sim.send(FRANK, ERIN, {
      type: 'reaction',
      messageId: sent!.key.id!,
      emoji: '👍',
    });
    const upsert = await waitForUpsert(erin, (m) => m.key.id === reaction);
    expect(upsert.message?.reactionMessage).toMatchObject({ text: '👍', key: { id: sent!.key.id } });

    const textId = await sim.send(FRANK, ERIN, { type: 'text', text: 'react back' });
    const back = await erin.sock.sendMessage(frankJid, {
      react: { text: '❤️', key: { remoteJid: frankJid, fromMe: false, id: textId } },
    });
    const received = await sim.waitForMessage(FRANK, (m) => m.id === back!.key.id);
    expect(received.content).toEqual({ type: 'reaction', messageId: textId, emoji: '❤️' });
  });
});

/** The next message from someone else (the companion's own sends are upserted too) that matches. */
function waitForUpsert(client: TestClient, match: (m: WAMessage) => boolean): Promise<WAMessage> {
  const incoming = (m: WAMessage) => !m.key.fromMe && match(m);
  return client.waitFor('messages.upsert', (u) => u.messages.some(incoming)).then((u) => u.messages.find(incoming)!);
}
