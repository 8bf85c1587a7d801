import type { WAMessage } from '@whiskeysockets/baileys';
import type { WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

describe('WhatsAppSimulator with several real clients', () => {
  let sim: WhatsAppSimulator;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    sim = await startSimulator();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim.stop();
  });

  it('lets two paired accounts talk to each other', async () => {
    const [pat, quinn] = await Promise.all([pairedClient(sim, '15550009001', 'Pat'), pairedClient(sim, '15550009002', 'Quinn')]);
    clients.push(pat, quinn);
    const upsert = quinn.waitFor('messages.upsert', (u) => u.messages.some((m) => textOf(m) === 'hi quinn'));
    const sent = await pat.sock.sendMessage('15550009002@s.whatsapp.net', { text: 'hi quinn' });
    const { messages } = await upsert;
    expect(messages.find((m) => m.key.id === sent!.key.id)?.key).toMatchObject({
      remoteJid: sim.phone('15550009001').lid,
      remoteJidAlt: '15550009001@s.whatsapp.net',
      fromMe: false,
    });
    const back = pat.waitFor('messages.upsert', (u) => u.messages.some((m) => textOf(m) === 'hi pat'));
    await quinn.sock.sendMessage('15550009001@s.whatsapp.net', { text: 'hi pat' });
    await back;
  });

  it('copies a companion send to the other companion of the same account', async () => {
    const first = await pairedClient(sim, '15550009003', 'Rae');
    const second = await pairedClient(sim, '15550009003', 'Rae');
    clients.push(first, second);
    expect(second.jid).toBe('15550009003:2@s.whatsapp.net');
    const copy = second.waitFor('messages.upsert', (u) => u.messages.some((m) => textOf(m) === 'from device 1'));
    const sent = await first.sock.sendMessage('15550009004@s.whatsapp.net', { text: 'from device 1' });
    const message = (await copy).messages.find((m) => m.key.id === sent!.key.id)!;
    expect(message.key).toMatchObject({ remoteJid: '15550009004@s.whatsapp.net', fromMe: true });
    await sim.waitForMessage('15550009004', (m) => m.id === sent!.key.id);
  });
});

/** Baileys sends text as extendedTextMessage; simulated contacts send conversation. */
function textOf(message: WAMessage): string | null | undefined {
  return message.message?.conversation || message.message?.extendedTextMessage?.text;
}
