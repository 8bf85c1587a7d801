import { proto } from '@whiskeysockets/baileys';
import type { WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

const IVAN = '15550006001';
const JUDY = '15550006002';
const judyJid = `${JUDY}@s.whatsapp.net`;

describe('WhatsAppSimulator presence and offline queue', () => {
  let sim: WhatsAppSimulator;
  let ivan: TestClient;

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createPhone(JUDY, { pushName: 'Judy' });
    ivan = await pairedClient(sim, IVAN, 'Ivan');
  });

  afterAll(async () => {
    await ivan.close();
    await sim.stop();
  });

  // Judy is LID-addressed, as most accounts are now: her presence comes from her LID
  const judyLid = () => sim.phone(JUDY).lid;

  it('shows a contact coming online, typing and leaving', async () => {
    const presenceOf = (state: string) =>
      ivan.waitFor('presence.update', (u) => u.id === judyLid() && u.presences[judyLid()]?.lastKnownPresence === state);
    sim.setPresence(JUDY, IVAN, 'available');
    await presenceOf('available');
    sim.setPresence(JUDY, IVAN, 'composing');
    await presenceOf('composing');
    sim.setPresence(JUDY, IVAN, 'recording');
    await presenceOf('recording');
    sim.setPresence(JUDY, IVAN, 'unavailable');
    const left = await presenceOf('unavailable');
    expect(left.presences[judyLid()].lastSeen).toEqual(expect.any(Number));
  });

  it('answers a presence subscription with the contact current presence', async () => {
    sim.setPresence(JUDY, IVAN, 'available');
    const update = ivan.waitFor('presence.update', (u) => u.id === judyLid());
    await ivan.sock.presenceSubscribe(judyJid);
    expect((await update).presences[judyLid()].lastKnownPresence).toBe('available');
  });

  it('reports the companion typing and going available', async () => {
    const typing = sim.waitFor('presence', (p) => p.phone === IVAN && p.state === 'composing');
    await ivan.sock.sendPresenceUpdate('composing', judyJid);
    expect(await typing).toMatchObject({ deviceJid: ivan.jid, to: judyJid });
    const available = sim.waitFor('presence', (p) => p.phone === IVAN && p.state === 'unavailable');
    await ivan.sock.sendPresenceUpdate('unavailable');
    await available;
  });

  it('queues messages and receipts while offline and replays them in order on reconnect', async () => {
    const sent = await ivan.sock.sendMessage(judyJid, { text: 'before going offline' });
    await sim.waitForMessage(JUDY, (m) => m.id === sent!.key.id);
    await ivan.close();

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await sim.send(JUDY, IVAN, { type: 'text', text: `offline ${i}` }));
    }
    sim.sendReceipt(JUDY, IVAN, [sent!.key.id!], 'read');

    ivan.connect();
    const read = ivan.waitFor('messages.update', (u) =>
      u.some((x) => x.key.id === sent!.key.id && x.update.status === proto.WebMessageInfo.Status.READ),
    );
    await ivan.waitForReady();
    await read;
    const appended = ivan
      .events('messages.upsert')
      .filter((u) => u.type === 'append')
      .flatMap((u) => u.messages.map((m) => m.key.id));
    expect(appended.filter((id) => ids.includes(id!))).toEqual(ids);
  });
});
