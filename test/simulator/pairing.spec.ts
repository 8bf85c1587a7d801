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
    expect(sim.companions('15550001111')).toEqual([expect.objectContaining({ deviceId: 1, jid: client.jid, connected: true })]);
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

describe('WhatsAppSimulator pair code', () => {
  let sim: WhatsAppSimulator;
  let client: TestClient;

  beforeEach(async () => {
    sim = await startSimulator();
  });

  afterEach(async () => {
    await client?.close();
    await sim.stop();
  });

  it('links a companion with the code it asked for, then opens', async () => {
    sim.createPhone('15550004001', { pushName: 'Dave' });
    client = new TestClient(sim);
    client.connect();
    await client.waitForConnection((u) => !!u.qr);
    const requested = sim.waitFor('pair-code-requested', (r) => r.phone === '15550004001');
    const code = await client.sock.requestPairingCode('15550004001');
    await requested;
    const linked = await sim.enterPairCode('15550004001', code);
    expect(linked).toMatchObject({ phone: '15550004001', deviceId: 1 });
    expect(await client.waitForClose()).toBe(DisconnectReason.restartRequired);
    expect(client.auth.creds.registered).toBe(true);
    client.connect();
    await client.waitForReady();
    expect(client.jid).toBe('15550004001:1@s.whatsapp.net');
    expect(client.auth.creds.me?.name).toBe('Dave');
  });

  it('does not link with a wrong code', async () => {
    client = new TestClient(sim);
    client.connect();
    await client.waitForConnection((u) => !!u.qr);
    const requested = sim.waitFor('pair-code-requested', (r) => r.phone === '15550004002');
    const code = await client.sock.requestPairingCode('15550004002');
    await requested;
    const wrong = code === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA';
    await expect(sim.enterPairCode('15550004002', wrong)).rejects.toThrow();
    expect(await client.waitForClose()).toBe(DisconnectReason.loggedOut);
    expect(sim.companions('15550004002')).toEqual([]);
  });
});

describe('WhatsAppSimulator directory', () => {
  it('answers onWhatsApp for known numbers only when accounts are not created on demand', async () => {
    const sim = await startSimulator({ autoCreateAccounts: false });
    sim.createPhone('15550004101');
    const online = sim.waitFor('online', (info) => info.phone === '15550004100');
    const client = await pairedClient(sim, '15550004100', 'Sam');
    expect((await online).jid).toBe(client.jid);
    const result = await client.sock.onWhatsApp('15550004101', '15550004199');
    expect(result).toEqual([{ jid: '15550004101@s.whatsapp.net', exists: true }]);
    await client.close();
    await sim.stop();
  });
});
