import Redis from 'ioredis';
import { ChannelLeases, parseLease } from '../../src/engine/channel-leases';
import { SessionManager } from '../../src/engine/session-manager';
import { WORKER_ID } from '../../src/engine/worker-id';
import { WorkerRegistry } from '../../src/engine/worker-registry';
import { ChannelStateWriter } from '../../src/modules/channels/channel-state.writer';
import type { AppConfig } from '../../src/platform/config/app-config';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { TEST_REDIS_URL, TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { newPhone } from '../support/phones';

const LEASE_MS = 1_500;
/**
 * Every process of this file shares one event loop, so a beat can be late by the loop's lag: an entry shown
 * stale after two missed beats (and left out of placement) must not be one slow tick away.
 */
const HEARTBEAT_MS = 500;
/** Failover bound: the lease lapses, two scans (a third of it apart) see it gone, then the socket opens. */
const TAKEOVER_WAIT_MS = 30_000;

/**
 * Several gateway processes on one database and one Redis: each channel's socket on exactly one of them, under
 * a lease; placement on the least-loaded; takeover when one dies; a lost lease closes its socket.
 */
describe('Channels over several gateway workers', () => {
  const shared: Partial<AppConfig> = { channelLeaseMs: LEASE_MS, workerHeartbeatMs: HEARTBEAT_MS };
  const ctx = useTestContext(shared);
  let second: TestGateway;
  let secondClosed = false;
  let redis: Redis;
  let account: { key: string; customerId: string };
  const channelIds: string[] = [];

  const idOf = (gw: TestGateway) => gw.app.get<string>(WORKER_ID);
  const sessionsOf = (gw: TestGateway) => gw.app.get(SessionManager);
  const leaseKey = (channelId: string) => `${ctx.config.redisKeyPrefix}channel-lease:${channelId}`;
  /** Processes started for one test, besides the two that live through the file. */
  const extra: TestGateway[] = [];
  const gateways = () => [...(secondClosed ? [ctx.gw] : [ctx.gw, second]), ...extra];
  const row = (id: string) => ctx.prisma.channel.findUniqueOrThrow({ where: { id } });

  /** Another process of the gateway: same database, Redis prefix, secrets and sandbox network. */
  function startPeer(overrides: Partial<AppConfig> = {}): Promise<TestGateway> {
    return TestGateway.start(
      ctx.prisma,
      { redisKeyPrefix: ctx.config.redisKeyPrefix, secrets: ctx.config.secrets, ...shared, ...overrides },
      undefined,
      { sandboxSimulator: ctx.simulator },
    );
  }

  /** Connects through the first process; the QR is scanned on whichever process the channel was placed on. */
  async function pairedChannel(): Promise<string> {
    const auth = bearer(account.key);
    const id = (await ctx.http.post('/v1/channels').set(auth).send({ name: 'spread' }).expect(201)).body.id as string;
    await ctx.http.post(`/v1/channels/${id}/connect`).set(auth).expect(202);
    const placed = await eventually(
      () => row(id),
      (channel) => channel.state === 'qr',
    );
    const owner = gateways().find((gw) => idOf(gw) === placed.workerId);
    if (!owner) throw new Error(`channel placed on an unknown worker ${placed.workerId}`);
    await owner.http.post(`/v1/sandbox/channels/${id}/scan`).set(auth).send({ phone_number: newPhone() }).expect(200);
    await eventually(
      () => row(id),
      (channel) => channel.state === 'connected',
    );
    return id;
  }

  /** The worker whose lease the channel is under, with a socket open there: where it truly lives. */
  async function liveOn(channelId: string): Promise<string> {
    const lease = parseLease(await redis.get(leaseKey(channelId)));
    const holder = gateways().find((gw) => lease && idOf(gw) === lease.workerId && sessionsOf(gw).isOpen(channelId));
    return holder ? idOf(holder) : 'nowhere';
  }

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    second = await startPeer();
    account = await ctx.newAccount({ plan: 'unlimited' });
  });
  afterAll(async () => {
    // Not TestGateway.close(): that deletes the Redis prefix both processes share.
    if (!secondClosed) await second.app.close();
    redis.disconnect();
  });

  it('places channels on the least-loaded worker, so that they spread over both, each under its lease', async () => {
    for (let i = 0; i < 4; i++) channelIds.push(await pairedChannel());
    const rows = await Promise.all(channelIds.map(row));
    const perWorker = new Map<string | null, number>();
    for (const channel of rows) perWorker.set(channel.workerId, (perWorker.get(channel.workerId) ?? 0) + 1);
    expect(Object.fromEntries(perWorker)).toEqual({ [idOf(ctx.gw)]: 2, [idOf(second)]: 2 });
    for (const channel of rows) {
      // The lease names the row's worker, under the token the row was written under or a later one: a lease that
      // lapsed through a slow tick is taken again by its holder with a new token, and the row carries it from its
      // next state write. The socket is there, and only there.
      const lease = parseLease(await redis.get(leaseKey(channel.id)));
      expect(channel.leaseToken).not.toBeNull();
      expect(lease?.workerId).toBe(channel.workerId);
      expect(lease!.token).toBeGreaterThanOrEqual(Number(channel.leaseToken));
      expect(await liveOn(channel.id)).toBe(channel.workerId);
      const status = await ctx.http.get(`/v1/channels/${channel.id}/status`).set(bearer(account.key)).expect(200);
      expect(status.body).toMatchObject({ status: 'connected', worker_id: channel.workerId });
    }
    expect(sessionsOf(ctx.gw).size()).toBe(2);
    expect(sessionsOf(second).size()).toBe(2);
    // What a failover scan reads of the leases: each holder, and a lifetime within the lease's.
    const holds = await ctx.gw.app.get(ChannelLeases).holds([...rows.map((channel) => channel.id), 'never-leased']);
    expect(holds.map((hold) => hold?.workerId ?? null)).toEqual([...rows.map((channel) => channel.workerId), null]);
    for (const hold of holds.slice(0, rows.length)) expect(hold?.remainingMs).toBeGreaterThan(0);
    for (const hold of holds.slice(0, rows.length)) expect(hold?.remainingMs).toBeLessThanOrEqual(LEASE_MS);
  });

  it('closes the socket of a lease another owner took, at once; once that owner is gone a live worker takes it back', async () => {
    const channelId = channelIds[0];
    const holder = gateways().find((gw) => sessionsOf(gw).isOpen(channelId))!;
    // Another owner, as a resumed or split-off worker would find it: a newer token under someone else's name.
    const token = await redis.incr(`${ctx.config.redisKeyPrefix}channel-lease-token:${channelId}`);
    await redis.set(leaseKey(channelId), `elsewhere-1-abcdef|${token}`, 'PX', 60_000);
    await eventually(
      async () => sessionsOf(holder).isOpen(channelId),
      (open) => !open,
      10_000,
    );
    expect(holder.app.get(ChannelLeases).heldToken(channelId)).toBeUndefined();
    const metrics = await holder.http.get('/metrics').expect(200);
    expect(metrics.text).toContain(`gateway_worker_channel_lease_losses_total{worker_id="${idOf(holder)}"} 1`);

    // That owner never shows up: its lease lapses (deleted here) and the channel is an orphan one of the two takes.
    await redis.del(leaseKey(channelId));
    const back = await eventually(
      () => liveOn(channelId),
      (worker) => worker !== 'nowhere',
      TAKEOVER_WAIT_MS,
    );
    await eventually(
      () => row(channelId),
      (channel) => channel.state === 'connected' && channel.workerId === back && Number(channel.leaseToken) > token,
    );
  });

  it('runs a process of role api that serves the API, opens no socket, and places channels on the workers', async () => {
    const api = await startPeer({ gatewayRole: 'api' });
    try {
      const auth = bearer(account.key);
      const id = (await api.http.post('/v1/channels').set(auth).send({ name: 'via-api' }).expect(201)).body.id as string;
      const connected = await api.http.post(`/v1/channels/${id}/connect`).set(auth).expect(202);
      expect([idOf(ctx.gw), idOf(second)]).toContain(connected.body.worker_id);
      // The placed worker read its inbox and opened the socket: the channel shows a QR there.
      await eventually(
        () => row(id),
        (channel) => channel.state === 'qr',
      );
      expect(await liveOnAnySocket(id)).toBe(connected.body.worker_id);
      expect(sessionsOf(api).size()).toBe(0);
      const listed = await api.http.get('/v1/admin/workers').set(bearer(api.adminToken)).expect(200);
      expect(listed.body.data.find((worker: { id: string }) => worker.id === idOf(api))).toMatchObject({ role: 'api', sessions: 0 });
      await api.http.post(`/v1/channels/${id}/disconnect`).set(auth).expect(200);
    } finally {
      await api.app.close();
    }
  });

  /** Where a channel's socket is (open or still showing a QR): the worker holding its lease and a session. */
  async function liveOnAnySocket(channelId: string): Promise<string> {
    const lease = parseLease(await redis.get(leaseKey(channelId)));
    return lease?.workerId ?? 'nowhere';
  }

  it('serves only health and metrics on a process of role worker', async () => {
    const worker = await startPeer({ gatewayRole: 'worker' });
    try {
      await worker.http.get('/health/live').expect(200);
      await worker.http.get('/metrics').expect(200);
      expect(errorCode(await worker.http.get('/v1/channels').set(bearer(account.key)).expect(404))).toBe('not_found');
      const listed = await ctx.http.get('/v1/admin/workers').set(bearer(ctx.gw.adminToken)).expect(200);
      expect(listed.body.data.find((entry: { id: string }) => entry.id === idOf(worker))).toMatchObject({ role: 'worker' });
    } finally {
      await worker.app.close();
    }
  });

  it('hands the channels of a worker that stops gracefully over at once: its leases are given back, not left to expire', async () => {
    const third = await startPeer();
    extra.push(third);
    let closed = false;
    try {
      // The newcomer holds nothing: once the others see its beat, the next channel is placed on it.
      await eventually(
        () => ctx.gw.app.get(WorkerRegistry).list(),
        (listed) => listed.some((worker) => worker.id === idOf(third) && !worker.stale),
      );
      const channelId = await pairedChannel();
      expect((await row(channelId)).workerId).toBe(idOf(third));
      await third.app.close();
      closed = true;
      extra.length = 0;
      expect(parseLease(await redis.get(leaseKey(channelId)))?.workerId).not.toBe(idOf(third));
      const taker = await eventually(
        () => liveOn(channelId),
        (worker) => worker !== 'nowhere',
        TAKEOVER_WAIT_MS,
      );
      expect([idOf(ctx.gw), idOf(second)]).toContain(taker);
      await eventually(
        () => row(channelId),
        (channel) => channel.state === 'connected' && channel.workerId === taker,
      );
    } finally {
      extra.length = 0;
      if (!closed) await third.app.close();
    }
  });

  it('gives the channels of a worker that dies without a word to the survivor, from stored credentials', async () => {
    const dead = idOf(second);
    const orphaned = (await Promise.all(channelIds.map(row))).filter((channel) => channel.workerId === dead).map((channel) => channel.id);
    expect(orphaned.length).toBeGreaterThan(0);
    const qrsBefore = await ctx.prisma.domainEvent.count({ where: { channelId: { in: orphaned }, type: 'channel.state_changed' } });
    // What a kill -9 leaves: leases that nobody renews nor gives back, sockets gone.
    second.app.get(ChannelLeases).abandon();
    await second.app.close();
    secondClosed = true;
    for (const channelId of orphaned) {
      await eventually(
        () => liveOn(channelId),
        (worker) => worker === idOf(ctx.gw),
        TAKEOVER_WAIT_MS,
      );
      await eventually(
        () => row(channelId),
        (channel) => channel.state === 'connected' && channel.workerId === idOf(ctx.gw),
      );
    }
    // Reconnected from the stored credentials: no QR on the way.
    const states = await ctx.prisma.domainEvent.findMany({
      where: { channelId: { in: orphaned }, type: 'channel.state_changed' },
      orderBy: { seq: 'asc' },
      skip: qrsBefore,
    });
    expect(states.map((event) => (event.payload as { to: string }).to)).not.toContain('qr');
  });

  it('refuses the state writes of a worker whose lease is older than the one the channel is under', async () => {
    const channelId = channelIds[1];
    const current = await row(channelId);
    const stale = Number(current.leaseToken) - 1;
    const writer = ctx.gw.app.get(ChannelStateWriter);
    const written = await writer.applyFromEngine(channelId, () => ({ state: 'disconnected', reasonCode: 428, reasonText: 'stale' }), stale);
    expect(written).toBeNull();
    expect(await row(channelId)).toMatchObject({ state: 'connected', version: current.version });
  });
});

describe('A worker at capacity', () => {
  const ctx = useTestContext({ workerCapacity: 1, channelLeaseMs: LEASE_MS });

  it('answers worker_at_capacity when no worker has room for another channel', async () => {
    await ctx.newChannel({ paired: true });
    const other = await ctx.newChannel();
    const refused = await ctx.http.post(`/v1/channels/${other.id}/connect`).set(bearer(other.key)).expect(503);
    expect(errorCode(refused)).toBe('worker_at_capacity');
    expect((await other.status()).status).toBe('pending');
  });
});
