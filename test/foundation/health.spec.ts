import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { errorCode } from '../support/http';
import { freePort } from '../support/throwaway-servers';

describe('Health and metrics', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('answers liveness and readiness while the dependencies are up', async () => {
    const gw = await TestGateway.start(db.prisma);
    try {
      const live = await gw.http.get('/health/live').expect(200);
      expect(live.body).toEqual({ status: 'ok', uptime_seconds: expect.any(Number) });
      const ready = await gw.http.get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
      expect(ready.body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    } finally {
      await gw.close();
    }
  });

  it('goes 503 with details when its Redis stops, and back to 200 when it returns', async () => {
    // A dedicated redis-server: the shared one is never stopped by a test.
    const port = await freePort();
    const start = (): ChildProcess =>
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    let redis = start();
    const url = `redis://127.0.0.1:${port}`;
    await waitForPort(port);
    const gw = await TestGateway.start(db.prisma, {}, url);
    try {
      await gw.http.get('/health/ready').expect(200);
      await stop(redis);
      const down = await gw.http.get('/health/ready').expect(503);
      expect(errorCode(down)).toBe('internal_error');
      expect(down.body.error.details.details.redis.status).toBe('down');
      expect(down.body.error.details.details.database.status).toBe('up');
      await gw.http.get('/health/live').expect(200);

      redis = start();
      await waitForPort(port);
      await eventually(async () => (await gw.http.get('/health/ready')).status === 200);
    } finally {
      await gw.app.close();
      await stop(redis);
    }
  });

  it('exposes Prometheus metrics labelled by route pattern and status', async () => {
    const gw = await TestGateway.start(db.prisma);
    try {
      await gw.http.get('/health/live').expect(200);
      await gw.http.get('/v1/support/tickets/tkt_123').expect(401);
      const res = await gw.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status="200"\} 1/);
      expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/support\/tickets\/:ticketId",status="401"\} 1/);
      expect(res.text).toContain('http_request_duration_seconds_bucket');
    } finally {
      await gw.close();
    }
  });
});

async function waitForPort(port: number): Promise<void> {
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
  );
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
