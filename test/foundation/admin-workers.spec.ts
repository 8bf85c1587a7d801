import Redis from 'ioredis';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { version as PACKAGE_VERSION } from '../../package.json';
import { WORKER_ID } from '../../src/engine/worker-id';
import { SessionManager } from '../../src/engine/session-manager';
import { WorkerRegistry } from '../../src/engine/worker-registry';
import { MetricsService } from '../../src/platform/metrics/metrics.service';
import { createRedisClient, pingRedis } from '../../src/platform/redis/redis-connection';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { TEST_REDIS_URL, TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { freePort } from '../support/throwaway-servers';

/** A redis-server on `port` with nothing persisted; started again on the same port, it is the same Redis come back. */
async function redisServerOn(port: number): Promise<{ stop(): Promise<void> }> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await eventually(
    () => pingRedis({ url: `redis://127.0.0.1:${port}` }, 300),
    (up) => up,
    10_000,
  );
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** GET /v1/admin/workers: the processes that share one Redis and one database, as their heartbeats say. */
describe('The worker registry (GET /v1/admin/workers)', () => {
  const HEARTBEAT_MS = 200;
  const ctx = useTestContext({ workerHeartbeatMs: HEARTBEAT_MS });
  let admin: { Authorization: string };
  let redis: Redis;

  interface Listed {
    id: string;
    role: string;
    capacity: number;
    sessions: number;
    channels: number;
    hostname: string;
    pid: number;
    version: string;
    started_at: string;
    last_heartbeat: string;
    stale: boolean;
  }

  async function workers(): Promise<Listed[]> {
    return (await ctx.http.get('/v1/admin/workers').set(admin).expect(200)).body.data as Listed[];
  }

  const workerIdOf = (gw: TestGateway): string => gw.app.get<string>(WORKER_ID);

  beforeAll(() => {
    admin = bearer(ctx.gw.adminToken);
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(() => redis?.disconnect());

  it('lists this process: its id, role, capacity, host, version and a fresh heartbeat', async () => {
    const [self, ...others] = await workers();
    expect(others).toEqual([]);
    expect(self).toEqual({
      id: workerIdOf(ctx.gw),
      role: 'all',
      capacity: ctx.config.workerCapacity,
      sessions: 0,
      channels: 0,
      hostname: os.hostname(),
      pid: process.pid,
      version: PACKAGE_VERSION,
      started_at: expect.any(String),
      last_heartbeat: expect.any(String),
      stale: false,
    });
    expect(Date.parse(self.last_heartbeat)).toBeGreaterThanOrEqual(Date.parse(self.started_at) - 1_000);
    // The heartbeat goes on by itself.
    await eventually(workers, ([now]) => Date.parse(now.last_heartbeat) > Date.parse(self.last_heartbeat));
  });

  it('lists a second process on the same Redis and database, and forgets it as soon as it closes', async () => {
    const second = await TestGateway.start(
      ctx.prisma,
      { redisKeyPrefix: ctx.config.redisKeyPrefix, secrets: ctx.config.secrets, workerHeartbeatMs: HEARTBEAT_MS, workerCapacity: 7 },
      undefined,
      { sandboxSimulator: ctx.simulator },
    );
    let closed = false;
    try {
      const listed = await workers();
      expect(listed.map((worker) => worker.id)).toEqual([workerIdOf(ctx.gw), workerIdOf(second)]);
      expect(listed[1]).toMatchObject({ role: 'all', capacity: 7, stale: false });
      // Either process answers with both.
      const fromSecond = await second.http.get('/v1/admin/workers').set(admin).expect(200);
      expect(fromSecond.body.data.map((worker: Listed) => worker.id)).toEqual(listed.map((worker) => worker.id));

      // Not TestGateway.close(): that also deletes the Redis prefix both processes share.
      await second.flushAudit();
      await second.app.close();
      closed = true;
      expect((await workers()).map((worker) => worker.id)).toEqual([workerIdOf(ctx.gw)]);
      expect(await redis.exists(`${ctx.config.redisKeyPrefix}workers:${workerIdOf(second)}`)).toBe(0);
    } finally {
      if (!closed) await second.app.close();
    }
  });

  it('counts the channels a worker holds in the database and the sessions its heartbeat reports', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const [self] = await eventually(workers, ([worker]) => worker.sessions === 1);
    expect(self).toMatchObject({ sessions: 1, channels: 1 });
    const row = await ctx.prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(row.workerId).toBe(workerIdOf(ctx.gw));
  });

  it('shows a process that stopped without cleaning up as stale, then drops it when its entry lapses', async () => {
    // What a process that died mid-beat left behind: its entry, last written 3 beats ago, and the index member.
    const prefix = ctx.config.redisKeyPrefix;
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const dead = {
      id: 'gone-host-4242-abcdef',
      role: 'all',
      capacity: 50,
      sessions: 2,
      startedAt: now - 60_000,
      lastHeartbeat: now - 3 * HEARTBEAT_MS,
      heartbeatMs: HEARTBEAT_MS,
      version: PACKAGE_VERSION,
      hostname: 'gone-host',
      pid: 4242,
    };
    await redis.set(`${prefix}workers:${dead.id}`, JSON.stringify(dead), 'PX', 1_000);
    await redis.zadd(`${prefix}workers`, dead.lastHeartbeat, dead.id);
    // A channel the database still says it holds (no other process has taken it over yet).
    const orphan = await ctx.newChannel();
    await ctx.prisma.channel.update({ where: { id: orphan.id }, data: { workerId: dead.id } });

    const listed = await workers();
    expect(listed.find((worker) => worker.id === dead.id)).toMatchObject({
      stale: true,
      sessions: 2,
      channels: 1,
      hostname: 'gone-host',
      started_at: new Date(dead.startedAt).toISOString(),
    });
    expect(listed.find((worker) => worker.id === workerIdOf(ctx.gw))).toMatchObject({ stale: false });

    const after = await eventually(workers, (now) => now.length === 1);
    expect(after.map((worker) => worker.id)).toEqual([workerIdOf(ctx.gw)]);
    // The reader dropped the lapsed member from the index as well.
    expect(await redis.zscore(`${prefix}workers`, dead.id)).toBeNull();
  });

  it('is for the operator only: no credentials, a wrong token, or an API key are refused', async () => {
    expect(errorCode(await ctx.http.get('/v1/admin/workers').expect(401))).toBe('auth_missing');
    expect(errorCode(await ctx.http.get('/v1/admin/workers').set(bearer('not-the-admin-token-at-all-000')).expect(401))).toBe(
      'auth_invalid',
    );
    const { key } = await ctx.newAccount();
    expect(errorCode(await ctx.http.get('/v1/admin/workers').set(bearer(key)).expect(401))).toBe('auth_invalid');
  });

  it('publishes the sessions and capacity of this worker as metrics', async () => {
    const metrics = await ctx.http.get('/metrics').expect(200);
    const id = workerIdOf(ctx.gw);
    expect(metrics.text).toContain(`gateway_worker_sessions{worker_id="${id}"} ${ctx.gw.app.get(SessionManager).size()}`);
    expect(metrics.text).toContain(`gateway_worker_capacity{worker_id="${id}"} ${ctx.config.workerCapacity}`);
  });

  it('keeps going while Redis cannot be reached: a beat logs, and a later one writes the entry again', async () => {
    // A registry of its own on a Redis of its own, with the gateway's client options, that goes away and comes back.
    const port = await freePort();
    let server = await redisServerOn(port);
    const client = createRedisClient({ url: `redis://127.0.0.1:${port}` }, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
    client.on('error', () => undefined);
    const registry = new WorkerRegistry(client, ctx.config, ctx.gw.app.get(SessionManager), new MetricsService());
    const entry = `${ctx.config.redisKeyPrefix}workers:${workerIdOf(ctx.gw)}`;
    try {
      await registry.onApplicationBootstrap();
      expect(await client.exists(entry)).toBe(1);

      await server.stop();
      await expect(registry.beat()).resolves.toBeUndefined();
      await expect(registry.list()).rejects.toThrow();

      server = await redisServerOn(port);
      await eventually(
        async () => (await registry.beat(), client.exists(entry).catch(() => 0)),
        (exists) => exists === 1,
      );
      await registry.onModuleDestroy();
      expect(await client.exists(entry)).toBe(0);
    } finally {
      await registry.onModuleDestroy();
      client.disconnect();
      await server.stop();
    }
  });
});
