import { DisconnectReason } from '@whiskeysockets/baileys';
import type { WhatsAppSimulator } from '../../src/simulator';
import { TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

describe('WhatsAppSimulator pairing', () => {
  let sim: WhatsAppSimulator;
  const clients: TestClient[] = [];

  beforeEach(async () => {
    sim = await startSimulator();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim.stop();
  });

  it('pairs by QR, restarts with 515 and opens', async () => {
    const client = await pairedClient(sim, '15550001111', 'Alice');
    clients.push(client);
    expect(client.jid).toBe('15550001111:1@s.whatsapp.net');
    expect(client.auth.creds.me?.name).toBe('Alice');
    expect(client.auth.creds.myAppStateKeyId).toBeTruthy();
    expect(sim.companions('15550001111')).toEqual([
      expect.objectContaining({ deviceId: 1, jid: client.jid, connected: true }),
    ]);
  });

  it('logs in again with saved creds without showing a QR', async () => {
    const client = await pairedClient(sim, '15550001112');
    clients.push(client);
    await client.close();
    client.connect();
    await client.waitForReady();
    expect(client.lastDisconnect).toBeUndefined();
  });

  it('ends with 408 when every QR ref has been shown', async () => {
    await sim.stop();
    sim = await startSimulator({ qrRefs: 2 });
    const client = new TestClient(sim, undefined, { qrTimeout: 100 });
    clients.push(client);
    client.connect();
    expect(await client.waitForClose()).toBe(DisconnectReason.timedOut);
    expect(client.events('connection.update').filter((u) => !!u.qr)).toHaveLength(2);
  });
});
