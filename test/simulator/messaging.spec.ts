import { encodeBigEndian, proto } from '@whiskeysockets/baileys';
import type { WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

const ALICE = '15550002001';
const BOB = '15550002002';
const bobJid = `${BOB}@s.whatsapp.net`;

describe('WhatsAppSimulator text messaging and receipts', () => {
  let sim: WhatsAppSimulator;
  let alice: TestClient;

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createPhone(BOB, { pushName: 'Bob' });
    alice = await pairedClient(sim, ALICE, 'Alice');
  });

  afterAll(async () => {
    await alice.close();
    await sim.stop();
  });

  it('delivers a companion text to the contact, decrypted', async () => {
    const sent = await alice.sock.sendMessage(bobJid, { text: 'hello bob' });
    const received = await sim.waitForMessage(BOB, (m) => m.id === sent!.key.id);
    expect(received).toMatchObject({ from: ALICE, to: BOB, content: { type: 'text', text: 'hello bob' } });
    expect(received.fromDevice).toBe(alice.jid);
  });

  it('keeps the Signal session going over several messages', async () => {
    for (const text of ['one', 'two', 'three']) {
      const sent = await alice.sock.sendMessage(bobJid, { text });
      const received = await sim.waitForMessage(BOB, (m) => m.id === sent!.key.id);
      expect(received.content).toEqual({ type: 'text', text });
    }
  });

  it('emits messages.upsert for a contact text', async () => {
    const upsert = alice.waitFor('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'hi alice'));
    const id = await sim.send(BOB, ALICE, { type: 'text', text: 'hi alice' });
    const { messages, type } = await upsert;
    expect(type).toBe('notify');
    // WhatsApp addresses Bob by his LID, with his phone number beside it
    expect(messages[0].key).toMatchObject({ id, remoteJid: sim.phone(BOB).lid, remoteJidAlt: bobJid, fromMe: false });
    expect(messages[0].pushName).toBe('Bob');
  });

  it('answers in both directions within one session', async () => {
    for (let i = 0; i < 3; i++) {
      const upsert = alice.waitFor('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === `ping ${i}`));
      await sim.send(BOB, ALICE, { type: 'text', text: `ping ${i}` });
      await upsert;
      const sent = await alice.sock.sendMessage(bobJid, { text: `pong ${i}` });
      await sim.waitForMessage(BOB, (m) => m.id === sent!.key.id);
    }
  });

  it('turns contact receipts into delivered and read statuses', async () => {
    const sent = await alice.sock.sendMessage(bobJid, { text: 'read me' });
    const id = sent!.key.id!;
    const statusOf = (status: proto.WebMessageInfo.Status) =>
      alice.waitFor('messages.update', (updates) => updates.some((u) => u.key.id === id && u.update.status === status));
    await statusOf(proto.WebMessageInfo.Status.DELIVERY_ACK);
    sim.sendReceipt(BOB, ALICE, [id], 'read');
    await statusOf(proto.WebMessageInfo.Status.READ);
    sim.sendReceipt(BOB, ALICE, [id], 'played');
    await statusOf(proto.WebMessageInfo.Status.PLAYED);
  });

  it('reports the companion reading a contact message', async () => {
    const upsert = alice.waitFor('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'did you read?'));
    const id = await sim.send(BOB, ALICE, { type: 'text', text: 'did you read?' });
    const { messages } = await upsert;
    await sim.waitForReceipt(BOB, id, 'delivered');
    await alice.sock.readMessages([messages[0].key]);
    const receipt = await sim.waitForReceipt(BOB, id, 'read');
    expect(receipt.by).toBe(alice.jid);
  });

  it('resends a message with a new session when the companion asks for a retry', async () => {
    // Baileys itself sends the retry receipt 5 s after a failed decryption (and leaves a 15 s timer
    // behind), so the receipt is sent by hand here, as Baileys' sendRetryRequest words it
    // libsignal logs the session it replaces to the console
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const first = alice.waitFor('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'say again?'));
    const id = await sim.send(BOB, ALICE, { type: 'text', text: 'say again?' });
    const original = await first;
    const again = alice.waitFor('messages.upsert', (u) => u !== original && u.messages.some((m) => m.key.id === id));
    await alice.sock.sendNode({
      tag: 'receipt',
      attrs: { id, type: 'retry', to: bobJid },
      content: [
        { tag: 'retry', attrs: { count: '1', id, t: Math.floor(Date.now() / 1000).toString(), v: '1' } },
        { tag: 'registration', attrs: {}, content: encodeBigEndian(alice.auth.creds.registrationId) },
      ],
    });
    const resent = (await again).messages.find((m) => m.key.id === id)!;
    expect(resent.message?.conversation).toBe('say again?');
    jest.restoreAllMocks();
  });
});

/**
 * A companion whose keys went back in time (a process killed after sending, before its key writes landed,
 * and the session taken over elsewhere) encrypts with a session its contact's phone has moved past. The phone
 * asks for the message again with a retry receipt, as WhatsApp's phones do, and Baileys resends it on a new
 * session under the same id: the contact ends up with the message exactly once.
 */
describe('WhatsAppSimulator phones ask again for a message they cannot decrypt', () => {
  const CAROL = '15550002003';
  const DAN = '15550002004';
  const danJid = `${DAN}@s.whatsapp.net`;
  let sim: WhatsAppSimulator;
  let carol: TestClient;
  const sent = new Map<string, proto.IMessage>();

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createPhone(DAN, { pushName: 'Dan' });
    carol = await pairedClient(sim, CAROL, 'Carol', { getMessage: async (key) => (key.id ? sent.get(key.id) : undefined) });
  });

  afterAll(async () => {
    await carol.close();
    await sim.stop();
  });

  const send = async (text: string) => {
    const message = await carol.sock.sendMessage(danJid, { text });
    sent.set(message!.key.id!, message!.message!);
    return message!.key.id!;
  };

  it('sends a retry receipt and receives the resent message once', async () => {
    // libsignal logs the sessions it closes and replaces to the console
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const first = await send('before the snapshot');
    await sim.waitForMessage(DAN, (m) => m.id === first);
    const keysBefore = carol.auth.snapshotKeys();
    const lost = await send('its key writes never landed');
    await sim.waitForMessage(DAN, (m) => m.id === lost);
    carol.auth.restoreKeys(keysBefore);

    const after = await send('sent on the stale session');
    const received = await sim.waitForMessage(DAN, (m) => m.id === after, 15_000);
    expect(received.content).toEqual({ type: 'text', text: 'sent on the stale session' });
    // the session is sound again: the next message needs no retry
    const next = await send('and the next one');
    await sim.waitForMessage(DAN, (m) => m.id === next);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.received(DAN).filter((m) => m.id === after)).toHaveLength(1);
    jest.restoreAllMocks();
  });
});
