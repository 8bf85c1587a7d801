import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { eventually, Receiver } from './support/receiver';
import { createEndpoint, delivery, publish } from './support/webhooks';
import { freePort } from '../support/throwaway-servers';

/**
 * The delivery worker across a Redis outage, on a dedicated redis-server (the shared one is never stopped by
 * a test) without persistence: a restarted Redis has lost every job.
 */
describe('Webhook delivery across a Redis outage', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  let redis: DedicatedRedis;

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await Receiver.start();
  });
  beforeEach(async () => {
    redis = await DedicatedRedis.start();
  });
  afterEach(async () => {
    await redis.stop();
  });
  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  it('delivers a retry whose job was lost with the restart, and then shuts down promptly', async () => {
    // The first attempt fails; its retry waits in Redis when Redis goes away.
    receiver.respond = (request) => (request.path === '/outage' && request.body.attempt === 1 ? 503 : 200);
    const gw = await TestGateway.start(
      db.prisma,
      {
        egressAllowedHosts: ['127.0.0.1'],
        webhooks: { attemptTimeoutMs: 2_000, retryScheduleMs: [3_000], sweepIntervalMs: 500, concurrency: 16, endpointConcurrency: 8 },
      },
      redis.url,
    );
    let closed = false;
    try {
      const { customerId, key } = await gw.newAccount({ plan: 'unlimited' });
      await createEndpoint(gw, key, { url: receiver.url('/outage') });
      await publish(gw, { customerId });
      const [first] = await eventually(() => receiver.at('/outage').length === 1 && receiver.at('/outage'), 10_000, 'first attempt');

      await redis.kill();
      await redis.restart();
      await eventually(async () => (await gw.http.get('/health/ready')).status === 200, 15_000, 'ready again');

      const retried = await eventually(
        () => receiver.at('/outage').find((r) => r.body.attempt === 2),
        20_000,
        'second attempt, queued by the sweeper',
      );
      expect(retried.body.id).toBe(first.body.id);
      await eventually(async () => (await delivery(gw, key, first.body.id)).status === 'delivered', 10_000, 'delivered');
      expect(receiver.at('/outage').filter((r) => r.body.attempt === 2)).toHaveLength(1);

      expect(await closesWithin(gw, 5_000)).toBe(true);
      closed = true;
    } finally {
      receiver.respond = () => 200;
      if (!closed) await gw.app.close();
    }
  });

  it('shuts down promptly right after its Redis came back', async () => {
    const gw = await TestGateway.start(db.prisma, {}, redis.url);
    await redis.kill();
    await eventually(async () => (await gw.http.get('/health/ready')).status === 503, 15_000, 'not ready');
    await redis.restart();
    // The gateway's own Redis client is back; the workers' connections may still be waiting to reconnect.
    await eventually(async () => (await gw.http.get('/health/ready')).status === 200, 15_000, 'ready again');
    expect(await closesWithin(gw, 5_000)).toBe(true);
  });

  it('shuts down in bounded time while its Redis is still down', async () => {
    const gw = await TestGateway.start(db.prisma, {}, redis.url);
    await redis.kill();
    await eventually(async () => (await gw.http.get('/health/ready')).status === 503, 15_000, 'not ready');
    expect(await closesWithin(gw, 10_000)).toBe(true);
  });
});

/** Closes the gateway; false if it has not closed within `ms` (it is then left behind). */
async function closesWithin(gw: TestGateway, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      gw.app.close().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

class DedicatedRedis {
  private constructor(
    private readonly port: number,
    private child: ChildProcess,
  ) {}

  static async start(): Promise<DedicatedRedis> {
    const port = await freePort();
    const redis = new DedicatedRedis(port, DedicatedRedis.spawn(port));
    await redis.listening();
    return redis;
  }

  private static spawn(port: number): ChildProcess {
    return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Empty, as it has no persistence. */
  async restart(): Promise<void> {
    await this.kill();
    this.child = DedicatedRedis.spawn(this.port);
    await this.listening();
  }

  kill(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  stop(): Promise<void> {
    return this.kill();
  }

  private listening(): Promise<unknown> {
    return eventually(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect(this.port, '127.0.0.1', () => {
            socket.end();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        }),
      10_000,
      'redis-server listening',
    );
  }
}
