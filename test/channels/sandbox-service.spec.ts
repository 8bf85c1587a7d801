import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChannelClient, TestChannel } from '../support/channels';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { stopProcess } from '../support/processes';
import { SimulatorService, startSimulatorService } from '../support/simulator-service';

/**
 * The sandbox network as a service: the simulator runs in its own process and the gateway, told where with
 * SANDBOX_URL, starts none of its own. Pairing, messages both ways and the sandbox routes go through the
 * simulator's control API, with the same answers and refusals as an embedded simulator.
 */
describe('The sandbox network as a separate service (SANDBOX_URL)', () => {
  let db: TestDatabase;
  let simulator: SimulatorService;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase();
    simulator = await startSimulatorService();
    gw = await TestGateway.start(db.prisma, { sandboxUrl: simulator.controlUrl });
  }, 180_000);

  afterAll(async () => {
    await gw?.close();
    if (simulator) await stopProcess(simulator.child);
    await db?.drop();
  });

  it('pairs a channel, sends and receives, and drives groups, calls and labels on the remote simulator', async () => {
    const { key, customerId } = await gw.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(gw, key);
    const id = await channels.create('remote');
    await gw.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    await channels.waitForStatus(id, 'qr');
    const phone = newPhone();
    await gw.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({ phone_number: phone, business: true }).expect(200);
    await channels.waitForStatus(id, 'connected');
    const channel = new TestChannel({ gw, prisma: db.prisma }, key, customerId, id, phone);
    const sandbox = (path: string) => `/v1/sandbox/channels/${id}${path}`;
    const [ana, ben] = [newPhone(), newPhone()];

    // a message out: the simulated contact's phone decrypts it, as the outbox shows
    const sent = await channel.send({ type: 'text', to: ana, text: 'to the remote network' });
    const outbox = await eventually(
      async () => (await gw.http.get(sandbox('/outbox')).query({ to: ana }).set(bearer(key)).expect(200)).body.data,
      (data: Array<{ message_id: string }>) => data.some((m) => m.message_id === sent.body.message_id),
    );
    expect(outbox).toContainEqual(expect.objectContaining({ type: 'text', content: { text: 'to the remote network' }, to: ana }));

    // a message in
    await gw.http.post(sandbox('/inbound')).set(bearer(key)).send({ from: ben, type: 'text', text: 'from the remote network' }).expect(202);
    const [received] = await eventually(
      () => channel.events('message.received'),
      (list) => list.length === 1,
    );
    expect(received).toMatchObject({ message: { from: `${digits(ben)}@s.whatsapp.net`, type: 'text', text: 'from the remote network' } });

    // a group through the sandbox, and a refusal WhatsApp answers the same as for an embedded simulator
    const created = await gw.http
      .post(sandbox('/groups'))
      .set(bearer(key))
      .send({ from: ana, subject: 'Remote group', participants: [ben] })
      .expect(201);
    const groupId = created.body.group_id as string;
    expect(created.body.participants).toEqual(expect.arrayContaining([{ phone: channel.phone, rank: 'member' }]));
    await eventually(
      () => channel.events('group.created'),
      (list) => list.some((e) => e.group_id === groupId),
    );
    await gw.http
      .patch(sandbox(`/groups/${groupId}`))
      .set(bearer(key))
      .send({ from: ana, setting: 'edit_group_info', policy: 'admins' })
      .expect(200);
    const refused = await gw.http
      .patch(sandbox(`/groups/${groupId}`))
      .set(bearer(key))
      .send({ from: ben, subject: 'Mine' })
      .expect(403);
    expect([errorCode(refused), refused.body.error.details.reason]).toEqual(['other', 'not_admin']);

    // a call offer rings on the channel, and ends
    const offer = await gw.http.post(sandbox('/calls')).set(bearer(key)).send({ from: ana }).expect(201);
    const callId = offer.body.call_id as string;
    await eventually(
      () => channel.events('call.offered'),
      (list) => list.some((e) => e.call_id === callId),
    );
    await gw.http
      .post(sandbox(`/calls/${callId}/end`))
      .set(bearer(key))
      .send({ how: 'hangup' })
      .expect(200);

    // the phone creates a label, and the channel follows
    const labelled = await gw.http.put(sandbox('/labels/70')).set(bearer(key)).send({ name: 'Remote', color: 'gold' }).expect(200);
    expect(labelled.body.labels).toContainEqual({ id: '70', name: 'Remote', color: 'gold', deleted: false });
    await eventually(
      async () => (await gw.http.get(`/v1/channels/${id}/labels/70`).set(bearer(key))).body,
      (body: { name?: string }) => body.name === 'Remote',
    );
  }, 120_000);
});

/** Pairs a channel of a new account by the sandbox scan; the channel as a test drives it. */
async function pairedChannel(gw: TestGateway, db: TestDatabase): Promise<TestChannel> {
  const { key, customerId } = await gw.newAccount({ plan: 'unlimited' });
  const { id, phone } = await new ChannelClient(gw, key).paired('durable', newPhone());
  return new TestChannel({ gw, prisma: db.prisma }, key, customerId, id, phone);
}

/** A message out to `to`, seen decrypted by its phone, and one in from it, seen as message.received. */
async function exchange(gw: TestGateway, channel: TestChannel, to: string, text: string): Promise<void> {
  const sent = await channel.send({ type: 'text', to, text: `${text} out` });
  await eventually(
    async () =>
      (await gw.http.get(`/v1/sandbox/channels/${channel.id}/outbox`).query({ to }).set(bearer(channel.key)).expect(200)).body.data,
    (data: Array<{ message_id: string }>) => data.some((m) => m.message_id === sent.body.message_id),
  );
  await gw.http
    .post(`/v1/sandbox/channels/${channel.id}/inbound`)
    .set(bearer(channel.key))
    .send({ from: to, type: 'text', text: `${text} in` })
    .expect(202);
  await eventually(
    () => channel.events('message.received'),
    (list) => list.some((e) => (e.message as { text?: string }).text === `${text} in`),
  );
}

describe('The standalone simulator keeps its network in a state file', () => {
  let db: TestDatabase;
  let dir: string;
  let simulator: SimulatorService | undefined;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-sim-state-'));
  });

  afterAll(async () => {
    await gw?.close();
    if (simulator) await stopProcess(simulator.child);
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restarted with its state file, it takes back a paired channel without a QR, which sends and receives', async () => {
    const stateFile = path.join(dir, 'network.json');
    simulator = await startSimulatorService(stateFile);
    gw = await TestGateway.start(db.prisma, { sandboxUrl: simulator.controlUrl });
    const channel = await pairedChannel(gw, db);
    const contact = newPhone();
    await exchange(gw, channel, contact, 'before');

    const secrets = gw.config.secrets;
    await gw.close();
    gw = undefined;
    expect(await stopProcess(simulator.child)).toBe(0);
    simulator = undefined;
    expect(fs.existsSync(stateFile)).toBe(true);

    simulator = await startSimulatorService(stateFile);
    gw = await TestGateway.start(db.prisma, { secrets, sandboxUrl: simulator.controlUrl });
    const again = new TestChannel({ gw, prisma: db.prisma }, channel.key, channel.customerId, channel.id, channel.phone);
    await again.waitForChannelStatus('connected');
    const states = await db.prisma.domainEvent.findMany({
      where: { channelId: channel.id, type: 'channel.state_changed' },
      orderBy: { seq: 'asc' },
    });
    expect(states.map((e) => (e.payload as { to: string }).to)).not.toContain('logged_out');
    expect(states.filter((e) => (e.payload as { to: string }).to === 'qr')).toHaveLength(1);
    await exchange(gw, again, contact, 'after');
  }, 240_000);
});

describe('The embedded sandbox network keeps its state in the database', () => {
  let db: TestDatabase;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('after a gateway restart on the same database, a paired channel comes back connected without a QR, and sends and receives', async () => {
    // no simulator given: the gateway starts its own, which saves its state in the database
    gw = await TestGateway.start(db.prisma);
    const channel = await pairedChannel(gw, db);
    const contact = newPhone();
    await exchange(gw, channel, contact, 'before');

    const secrets = gw.config.secrets;
    await gw.close();
    gw = undefined;
    expect(await db.prisma.sandboxNetworkState.count()).toBe(1);

    gw = await TestGateway.start(db.prisma, { secrets });
    const again = new TestChannel({ gw, prisma: db.prisma }, channel.key, channel.customerId, channel.id, channel.phone);
    await again.waitForChannelStatus('connected');
    const states = await db.prisma.domainEvent.findMany({
      where: { channelId: channel.id, type: 'channel.state_changed' },
      orderBy: { seq: 'asc' },
    });
    expect(states.map((e) => (e.payload as { to: string }).to)).not.toContain('logged_out');
    expect(states.filter((e) => (e.payload as { to: string }).to === 'qr')).toHaveLength(1);
    await exchange(gw, again, contact, 'after');
  }, 240_000);

  it('lets one process at a time write it: another one on the same database is told to share a simulator, until the first stops', async () => {
    gw ??= await TestGateway.start(db.prisma);
    await gw.simulator();
    const other = await TestGateway.start(db.prisma);
    try {
      await expect(other.simulator()).rejects.toMatchObject({
        code: 'internal_error',
        message: expect.stringContaining('SANDBOX_URL'),
        details: { reason: 'sandbox_network_in_use', worker_id: expect.any(String) },
      });
      const before = await db.prisma.sandboxNetworkState.findUniqueOrThrow({ where: { id: 'embedded' } });
      expect(before.writer).not.toBeNull();

      // the writer stops: it saves, hands the state back, and the other process takes it on its next use
      await gw.close();
      gw = undefined;
      await expect(other.simulator()).resolves.toBeDefined();
      const after = await db.prisma.sandboxNetworkState.findUniqueOrThrow({ where: { id: 'embedded' } });
      expect(after.writer).not.toBeNull();
      expect(after.writer).not.toBe(before.writer);
      expect(after.snapshot).not.toBeNull();
    } finally {
      await other.close();
    }
    const released = await db.prisma.sandboxNetworkState.findUniqueOrThrow({ where: { id: 'embedded' } });
    expect(released.writer).toBeNull();
  }, 120_000);
});
