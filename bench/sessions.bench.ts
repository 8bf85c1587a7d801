/**
 * bench:sessions — N sandbox channels paired and connected through the API on one gateway process:
 * time until all are connected, RSS per connected channel, and time until all reconnect after a restart of
 * the gateway (a new application on the same database, with the same sandbox network).
 *
 *   npm run bench:sessions [-- --channels 100]
 *
 * Needs PostgreSQL and Redis on 127.0.0.1 (as the tests do). Writes bench/results/sessions.{json,md}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WhatsAppSimulator } from '../src/simulator';
import { createTestDatabase } from '../test/support/database';
import { TestGateway } from '../test/support/gateway';
import { bearer } from '../test/support/http';

const { values } = parseArgs({ options: { channels: { type: 'string', default: '100' } } });
const N = Number(values.channels);

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

async function waitAll(gw: TestGateway, key: string, ids: string[], status: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await gw.prisma.channel.findMany({ where: { id: { in: ids } }, select: { state: true } });
    if (rows.filter((r) => r.state === status).length === ids.length) return;
    if (Date.now() > deadline) throw new Error(`not all ${status} in time: ${JSON.stringify(rows.map((r) => r.state))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const simulator = new WhatsAppSimulator();
  await simulator.start();
  let gw = await TestGateway.start(db.prisma, { workerCapacity: N + 10 }, undefined, { sandboxSimulator: simulator });
  try {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;

    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const created = await gw.http
        .post('/v1/channels')
        .set(bearer(key))
        .send({ name: `bench-${i}` });
      ids.push((created.body as { id: string }).id);
    }
    await pool(ids, 10, async (id) => {
      await gw.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
      for (;;) {
        const qr = await gw.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({});
        if (qr.status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await waitAll(gw, key, ids, 'connected', 600_000);
    const connectSeconds = (performance.now() - started) / 1000;
    global.gc?.();
    const rssConnected = process.memoryUsage().rss;

    const secrets = gw.config.secrets;
    await gw.close();
    const restartStarted = performance.now();
    gw = await TestGateway.start(db.prisma, { secrets, workerCapacity: N + 10 }, undefined, { sandboxSimulator: simulator });
    await waitAll(gw, key, ids, 'connected', 600_000);
    const reconnectSeconds = (performance.now() - restartStarted) / 1000;

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, load_average_1m: os.loadavg()[0], node: process.version },
      channels: N,
      seconds_to_all_connected: Math.round(connectSeconds * 100) / 100,
      rss_mb_before: mb(rssBefore),
      rss_mb_connected: mb(rssConnected),
      rss_mb_per_connected_channel: Math.round(((rssConnected - rssBefore) / N / 1024 / 1024) * 100) / 100,
      seconds_to_all_reconnected_after_restart: Math.round(reconnectSeconds * 100) / 100,
      note: 'Gateway, simulator (all phones) and the benchmark share one process; RSS per channel therefore includes the simulated phone side.',
    };
    console.log(JSON.stringify(result, null, 2));
    const dir = path.join(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'sessions.json'), `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(
      path.join(dir, 'sessions.md'),
      [
        `# bench:sessions (${result.date})`,
        '',
        `${N} sandbox channels through the API on one gateway process (${result.machine.cpus} cores, load ${result.machine.load_average_1m.toFixed(1)}).`,
        '',
        '| measure | value |',
        '|---|---|',
        `| time until all connected (create, connect, scan, connected) | ${result.seconds_to_all_connected} s |`,
        `| RSS before / with all connected | ${result.rss_mb_before} MB / ${result.rss_mb_connected} MB |`,
        `| RSS per connected channel | ${result.rss_mb_per_connected_channel} MB |`,
        `| time until all reconnected after a gateway restart | ${result.seconds_to_all_reconnected_after_restart} s |`,
        '',
        result.note,
        '',
      ].join('\n'),
    );
  } finally {
    await gw.close();
    await simulator.stop();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
