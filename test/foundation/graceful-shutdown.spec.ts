import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EventStreamService } from '../../src/modules/event-stream/event-stream.service';
import { createTestDatabase, TestDatabase } from '../support/database';
import { deleteRedisPrefix, TEST_REDIS_URL, TestGateway } from '../support/gateway';
import { isAlive, signalAndWait, startProcess, StartedProcess, startScript } from '../support/processes';

/** A Server-Sent Events response read to its end: what arrived, and whether it ended cleanly or broke off. */
interface RawStream {
  status: number;
  text(): string;
  finished: Promise<'ended' | 'broken'>;
}

async function openStream(url: string, key: string): Promise<RawStream> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
  let text = '';
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  // The first bytes (the retry field) are there before the stream counts as open.
  const first = await reader.read();
  if (!first.done) text += decoder.decode(first.value, { stream: true });
  const finished = (async (): Promise<'ended' | 'broken'> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      return 'broken';
    }
  })();
  return { status: response.status, text: () => text, finished };
}

/** A connection that sent half a request and waits: it counts as busy, so closing the server alone would wait for it. */
function halfRequest(port: number): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n');
      resolve({ closed: new Promise((done) => socket.once('close', () => done())) });
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** A keep-alive connection left idle in an agent's pool after one request. */
async function idleKeepAlive(url: string): Promise<{ closed: Promise<void>; agent: http.Agent }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}/health/live`, { agent }, (response) => {
      response.resume();
      response.once('end', () => resolve({ closed: new Promise((done) => request.socket!.once('close', () => done())), agent }));
    });
    request.once('error', reject);
  });
}

/** A customer and a test key, through the running gateway's admin API. */
async function newAccount(url: string, adminToken: string): Promise<string> {
  const admin = async (route: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; key: string };
  };
  const customer = await admin('/v1/admin/customers', { name: 'Shutdown' });
  return (await admin('/v1/admin/keys', { customer_id: customer.id, mode: 'test' })).key;
}

describe('Graceful shutdown', () => {
  let db: TestDatabase;
  let dataDir: string;
  let redisKeyPrefix: string;
  const adminToken = `test_admin_${randomBytes(16).toString('hex')}`;
  let gateway: StartedProcess | undefined;

  beforeEach(async () => {
    db = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-shutdown-'));
    redisKeyPrefix = `wiu-test-${randomBytes(6).toString('hex')}:`;
  });
  afterEach(async () => {
    if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    gateway = undefined;
    await db.drop();
    await deleteRedisPrefix(redisKeyPrefix);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const environment = () => ({
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    MIGRATE_ON_START: 'false',
    PORT: '0',
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: adminToken,
  });

  describe('of the gateway process on SIGTERM', () => {
    it('ends open event streams and idle keep-alive connections, and exits with 0 within 10 s', async () => {
      gateway = await startScript('src/main.ts', environment(), /WhatIsUp gateway listening/, 120_000);
      const { url } = JSON.parse(gateway.line) as { url: string };
      const key = await newAccount(url, adminToken);
      const created = await fetch(`${url}/v1/channels`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'shutdown' }),
      });
      expect(created.status).toBe(201);
      const channel = (await created.json()) as { id: string };

      const all = await openStream(`${url}/v1/events`, key);
      const one = await openStream(`${url}/v1/channels/${channel.id}/events`, key);
      expect([all.status, one.status]).toEqual([200, 200]);
      const idle = await idleKeepAlive(url);

      const exit = await signalAndWait(gateway.child, 'SIGTERM', 15_000);
      process.stdout.write(`gateway exit after SIGTERM with open streams: ${exit.elapsedMs} ms\n`);
      expect(exit).toMatchObject({ code: 0, timedOut: false });
      expect(exit.elapsedMs).toBeLessThan(10_000);
      for (const stream of [all, one]) {
        expect(await stream.finished).toBe('ended');
        expect(stream.text()).toMatch(/^retry: \d+$/m);
        expect(stream.text()).toMatch(/^: server shutting down/m);
      }
      await idle.closed;
      idle.agent.destroy();
      expect(fs.existsSync(path.join(dataDir, 'gateway.json'))).toBe(false);
    });

    it('closes a connection whose request never completes after the grace period, and still exits with 0 within 10 s', async () => {
      gateway = await startScript('src/main.ts', environment(), /WhatIsUp gateway listening/, 120_000);
      const { url } = JSON.parse(gateway.line) as { url: string };
      const stuck = await halfRequest(Number(new URL(url).port));

      const exit = await signalAndWait(gateway.child, 'SIGTERM', 15_000);
      process.stdout.write(
        `gateway exit after SIGTERM with a half-sent request: ${exit.elapsedMs} ms (${String(exit.code)} ${String(exit.signal)})\n`,
      );
      expect(exit).toMatchObject({ code: 0, timedOut: false });
      expect(exit.elapsedMs).toBeLessThan(10_000);
      await stuck.closed;
    });
  });

  describe('of `npm start` on SIGTERM to npm', () => {
    it('leaves no gateway process and nothing listening', async () => {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...environment() };
      gateway = await startProcess('npm', ['start'], env, /WhatIsUp gateway listening/, { timeoutMs: 120_000 });
      const { pid, url } = JSON.parse(fs.readFileSync(path.join(dataDir, 'gateway.json'), 'utf8')) as { pid: number; url: string };
      try {
        expect(pid).not.toBe(gateway.child.pid);
        expect((await fetch(`${url}/health/live`)).status).toBe(200);

        const exit = await signalAndWait(gateway.child, 'SIGTERM', 20_000);
        process.stdout.write(`npm start exit after SIGTERM: ${exit.elapsedMs} ms (${exit.code ?? exit.signal})\n`);
        expect(exit.timedOut).toBe(false);
        expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
        expect(isAlive(pid)).toBe(false);
        await expect(fetch(`${url}/health/live`)).rejects.toThrow();
        expect(fs.existsSync(path.join(dataDir, 'gateway.json'))).toBe(false);
      } finally {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    });
  });

  describe(`${EventStreamService.name} once the shutdown began`, () => {
    it('ends open streams with a note, and answers new ones with a stream that ends at once', async () => {
      const gw = await TestGateway.start(db.prisma);
      try {
        const { key } = await gw.newAccount();
        const server = gw.app.getHttpServer() as http.Server;
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

        const open = await openStream(`${base}/v1/events`, key);
        gw.app.get(EventStreamService).onModuleDestroy();
        expect(await open.finished).toBe('ended');
        expect(open.text()).toMatch(/^: server shutting down/m);

        const late = await openStream(`${base}/v1/events`, key);
        expect(late.status).toBe(200);
        expect(await late.finished).toBe('ended');
        expect(late.text()).toMatch(/^retry: \d+$/m);
        expect(late.text()).toMatch(/^: server shutting down/m);
      } finally {
        await gw.close();
      }
    });
  });
});
