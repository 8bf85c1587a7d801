import { WhatsAppSimulator } from '../../src/simulator';
import { ChannelClient } from '../support/channels';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { TestGateway } from '../support/gateway';
import { bearer } from '../support/http';

async function statesOf(db: TestDatabase, channelId: string): Promise<string[]> {
  const events = await db.prisma.domainEvent.findMany({ where: { channelId, type: 'channel.state_changed' }, orderBy: { seq: 'asc' } });
  return events.map((e) => (e.payload as { to: string }).to);
}

describe('Keeping channels connected', () => {
  let db: TestDatabase;
  let simulator: WhatsAppSimulator;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase();
    // One simulator for every gateway instance of this file: the sandbox network outlives a gateway restart.
    simulator = new WhatsAppSimulator();
    await simulator.start();
    gw = await TestGateway.start(db.prisma, {}, undefined, { sandboxSimulator: simulator });
  });
  afterAll(async () => {
    await gw.close();
    await simulator.stop();
    await db.drop();
  });

  it('reconnects every connected channel after a gateway restart, without a new QR, from encrypted credentials', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const { id } = await new ChannelClient(gw, key).paired('restart', '+15550010001');
    const entries = await db.prisma.channelAuthEntry.findMany({ where: { channelId: id } });
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(Buffer.from(entry.value).toString('latin1')).not.toMatch(/noiseKey|signedIdentityKey|"private"/);
    }

    await gw.close();
    const before = await statesOf(db, id);
    gw = await TestGateway.start(db.prisma, { secrets: gw.config.secrets }, undefined, { sandboxSimulator: simulator });
    const channels = new ChannelClient(gw, key);
    await channels.waitForStatus(id, 'connected');
    const after = (await statesOf(db, id)).slice(before.length);
    expect(after).toEqual(['connecting', 'connected']);
  });

  it('puts a channel whose credentials no longer decrypt in error, with the reason, instead of hanging', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const { id } = await new ChannelClient(gw, key).paired('wrong-key', '+15550010008');
    const secrets = gw.config.secrets;
    await gw.close();
    gw = await TestGateway.start(db.prisma, { secrets: { ...secrets, sessionEncryptionKey: Buffer.alloc(32, 7) } }, undefined, {
      sandboxSimulator: simulator,
    });
    const status = await new ChannelClient(gw, key).waitForStatus(id, 'error');
    expect(status.reason?.message).toMatch(/SESSION_ENCRYPTION_KEY/);
    await gw.close();
    gw = await TestGateway.start(db.prisma, { secrets }, undefined, { sandboxSimulator: simulator });
  });

  it('backs off after a network drop (visible in the status) and reconnects', async () => {
    const slow = await TestGateway.start(
      db.prisma,
      { secrets: gw.config.secrets, reconnect: { baseDelayMs: 1500, maxDelayMs: 5000, maxAttempts: 5 } },
      undefined,
      {
        sandboxSimulator: simulator,
      },
    );
    try {
      const { key } = await slow.newAccount({ plan: 'unlimited' });
      const channels = new ChannelClient(slow, key);
      const { id } = await channels.paired('drop', '+15550010002');
      await slow.http.post(`/v1/sandbox/channels/${id}/drop`).set(bearer(key)).expect(200);
      const waiting = await channels.waitForStatus(id, 'disconnected');
      expect(waiting.reconnect_attempts).toBe(1);
      expect(waiting.reason).not.toBeNull();
      const back = await channels.waitForStatus(id, 'connected');
      expect(back.reconnect_attempts).toBe(0);
      expect((await statesOf(db, id)).slice(-3)).toEqual(['disconnected', 'reconnecting', 'connected']);
    } finally {
      await slow.close();
    }
  });

  it('ends a login that does not open in time (a server gone silent) and reconnects once the server answers', async () => {
    const impatient = await TestGateway.start(
      db.prisma,
      { secrets: gw.config.secrets, sessionOpenTimeoutMs: 2_000, reconnect: { baseDelayMs: 300, maxDelayMs: 1_000, maxAttempts: 50 } },
      undefined,
      { sandboxSimulator: simulator },
    );
    try {
      const { key } = await impatient.newAccount({ plan: 'unlimited' });
      const channels = new ChannelClient(impatient, key);
      const { id } = await channels.paired('silent', '+15550010009');
      simulator.silenceConnections(8_000);
      await impatient.http.post(`/v1/sandbox/channels/${id}/drop`).set(bearer(key)).expect(200);
      // The socket's own handshake timeout is 20 s: within 10 s, only the gateway's deadline can have ended it.
      const abandoned = await eventually(
        () => channels.status(id),
        (s) => s.reason?.message === 'The connection did not open within 2 s.',
        10_000,
      );
      expect(abandoned.reason?.code).toBe(408);
      expect(['disconnected', 'reconnecting']).toContain(abandoned.status);
      const back = await channels.waitForStatus(id, 'connected');
      expect(back.reconnect_attempts).toBe(0);
    } finally {
      simulator.acceptConnections();
      await impatient.close();
    }
  });

  it('is logged out with its credentials wiped when the phone unlinks it', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(gw, key);
    const { id } = await channels.paired('unlink', '+15550010003');
    await gw.http.post(`/v1/sandbox/channels/${id}/unlink`).set(bearer(key)).expect(200);
    const status = await channels.waitForStatus(id, 'logged_out');
    expect(status.reason?.code).toBe(401);
    expect(await db.prisma.channelAuthEntry.count({ where: { channelId: id } })).toBe(0);
    // Connecting again starts a new pairing.
    await gw.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    await channels.waitForStatus(id, 'qr');
    await gw.http.post(`/v1/channels/${id}/disconnect`).set(bearer(key)).expect(200);
  });

  it('fails a channel that keeps being replaced (440), after backing off', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(gw, key);
    const { id, phone } = await channels.paired('replaced', '+15550010004');
    for (let i = 1; i <= gw.config.replacedLimit; i++) {
      await channels.waitForStatus(id, 'connected');
      simulator.replace(phone);
      if (i < gw.config.replacedLimit) {
        await eventually(
          () => channels.status(id),
          (s) => s.status !== 'connected' || s.reconnect_attempts > 0,
        );
      }
    }
    const failed = await channels.waitForStatus(id, 'failed');
    expect(failed.reason?.code).toBe(440);
    expect(await statesOf(db, id)).toEqual(expect.arrayContaining(['disconnected', 'reconnecting', 'failed']));
  });

  it('restarts at once on a 515 stream error', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(gw, key);
    const { id, phone } = await channels.paired('restart-required', '+15550010005');
    const before = (await statesOf(db, id)).length;
    simulator.requireRestart(phone);
    await eventually(
      () => statesOf(db, id),
      (s) => s.length >= before + 2,
    );
    await channels.waitForStatus(id, 'connected');
    expect((await statesOf(db, id)).slice(before)).toEqual(['connecting', 'connected']);
  });

  it('stays stopped after disconnect, and reconnects without a QR on connect', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(gw, key);
    const { id } = await channels.paired('pause', '+15550010006');
    const stopped = await gw.http.post(`/v1/channels/${id}/disconnect`).set(bearer(key)).expect(200);
    expect(stopped.body.status).toBe('stopped_by_user');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await channels.status(id)).status).toBe('stopped_by_user');
    await gw.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    await channels.waitForStatus(id, 'connected');
    expect((await statesOf(db, id)).slice(-3)).toEqual(['stopped_by_user', 'connecting', 'connected']);
  });

  it('logs out on request: the phone loses the device and the credentials are wiped', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(gw, key);
    const { id, phone } = await channels.paired('logout', '+15550010007');
    expect(simulator.companions(phone)).toHaveLength(1);
    const res = await gw.http.post(`/v1/channels/${id}/logout`).set(bearer(key)).expect(200);
    expect(res.body.status).toBe('logged_out');
    expect(await db.prisma.channelAuthEntry.count({ where: { channelId: id } })).toBe(0);
    await eventually(
      async () => simulator.companions(phone).length,
      (n) => n === 0,
    );
  });
});
