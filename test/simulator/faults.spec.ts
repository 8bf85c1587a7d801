import { DisconnectReason } from '@whiskeysockets/baileys';
import type { WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

describe('WhatsAppSimulator faults', () => {
  let sim: WhatsAppSimulator;
  let client: TestClient;

  beforeEach(async () => {
    sim = await startSimulator();
    client = await pairedClient(sim, '15550003001', 'Carol');
  });

  afterEach(async () => {
    await client.close();
    await sim.stop();
  });

  it('ends with 515 on a restart request, and the same creds log in again', async () => {
    sim.requireRestart('15550003001');
    expect(await client.waitForClose()).toBe(DisconnectReason.restartRequired);
    client.connect();
    await client.waitForReady();
  });

  it('ends the old socket with 440 when the same creds connect again', async () => {
    const old = client.sock;
    const oldClosed = new Promise<number | undefined>((resolve) =>
      old.ev.on('connection.update', (u) => {
        if (u.connection === 'close') {
          resolve((u.lastDisconnect?.error as { output?: { statusCode?: number } })?.output?.statusCode);
        }
      }),
    );
    client.connect();
    expect(await oldClosed).toBe(DisconnectReason.connectionReplaced);
    await client.waitForReady();
  });

  it('ends with 440 when the server says the connection was replaced', async () => {
    sim.replace('15550003001');
    expect(await client.waitForClose()).toBe(DisconnectReason.connectionReplaced);
  });

  it('logs out with 401 when the phone unlinks the companion, and refuses its next login', async () => {
    sim.unlink('15550003001');
    expect(await client.waitForClose()).toBe(DisconnectReason.loggedOut);
    expect(sim.companions('15550003001')).toEqual([]);
    client.connect();
    expect(await client.waitForClose()).toBe(401);
  });

  it('unlinks the device when the companion logs out', async () => {
    const unlinked = sim.waitFor('unlinked', (info) => info.phone === '15550003001');
    await client.sock.logout();
    await unlinked;
    expect(sim.companions('15550003001')).toEqual([]);
  });

  it('reports a dropped connection as 428 and reconnects', async () => {
    sim.drop('15550003001');
    expect(await client.waitForClose()).toBe(DisconnectReason.connectionClosed);
    client.connect();
    await client.waitForReady();
  });

  it('refuses connections for a while', async () => {
    sim.refuseConnections(60_000);
    sim.drop('15550003001');
    expect(await client.waitForClose()).toBe(DisconnectReason.connectionClosed);
    client.connect();
    expect(await client.waitForClose()).toBe(DisconnectReason.connectionClosed);
    sim.acceptConnections();
    client.connect();
    await client.waitForReady();
  });

  it('keeps messages for a dropped companion and delivers them on reconnect', async () => {
    sim.drop('15550003001');
    await client.waitForClose();
    const id = await sim.send('15550003002', '15550003001', { type: 'text', text: 'while you were away' });
    client.connect();
    const upsert = await client.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === id));
    expect(upsert.type).toBe('append');
    // the offline batch may also hold stanzas the dropped socket had not acknowledged yet
    expect(upsert.messages.find((m) => m.key.id === id)?.message?.conversation).toBe('while you were away');
    await client.waitForReady();
  });

  it('takes a receipt as the acknowledgement of a message: not delivered again at the next login', async () => {
    const receipted = sim.waitFor('receipt', (r) => r.phone === '15550003002');
    const id = await sim.send('15550003002', '15550003001', { type: 'text', text: 'only once' });
    await client.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === id));
    expect((await receipted).messageId).toBe(id);
    sim.drop('15550003001');
    await client.waitForClose();
    client.connect();
    const delivered: string[] = [];
    client.sock.ev.on('messages.upsert', (u) => delivered.push(...u.messages.map((m) => m.key.id ?? '')));
    // ready comes after the offline batch, where a message still pending would have been: neither the contact's
    // message nor what the phone sent at linking (its key share and history, answered with peer receipts)
    await client.waitForReady();
    expect(delivered).toEqual([]);
  });
});
