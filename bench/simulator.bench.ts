/**
 * N real Baileys sessions paired and connected to one in-process simulator:
 * connect time, message round trips per second and memory per session.
 *
 *   npm run bench:simulator                 (50 sessions)
 *   npm run bench:simulator -- --sessions 200
 *   SIMULATOR_BENCH_SESSIONS=200 npm run bench:simulator
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { loadavg } from 'os';
import { join } from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import type { WAMessage } from '@whiskeysockets/baileys';
import { WhatsAppSimulator } from '../src/simulator';
import { type TestClient, pairedClient } from '../test/simulator/support/client';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- Baileys' package.json, for the version the figures belong to
const BAILEYS_VERSION: string = (require('@whiskeysockets/baileys/package.json') as { version: string }).version;
const RESULTS_JSON = join(__dirname, 'results', 'simulator.json');
const RESULTS_MD = join(__dirname, 'results', 'simulator.md');

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const sessions = Number(argument('sessions') ?? process.env.SIMULATOR_BENCH_SESSIONS ?? 50);
const rounds = Number(argument('rounds') ?? 10);
const batch = Number(argument('batch') ?? 25);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function rssMb(): number {
  gc();
  gc();
  return process.memoryUsage().rss / 1024 / 1024;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function textOf(message: WAMessage): string | null | undefined {
  return message.message?.conversation || message.message?.extendedTextMessage?.text;
}

async function inBatches<T>(count: number, size: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += size) {
    const indexes = Array.from({ length: Math.min(size, count - start) }, (_, i) => start + i);
    results.push(...(await Promise.all(indexes.map(task))));
  }
  return results;
}

async function main(): Promise<void> {
  const sim = new WhatsAppSimulator();
  await sim.start();
  const phone = (i: number) => `1555${(1000000 + i).toString()}`;
  const contact = (i: number) => `1666${(1000000 + i).toString()}`;
  const rssBefore = rssMb();

  // pairing: QR, scan, 515, first login with app-state bootstrap
  let started = Date.now();
  const pairTimes: number[] = [];
  const clients = await inBatches(sessions, batch, async (i) => {
    const t = Date.now();
    const client = await pairedClient(sim, phone(i), `Bench ${i}`);
    pairTimes.push(Date.now() - t);
    return client;
  });
  const pairWallMs = Date.now() - started;

  // reconnect everyone with saved creds, all at once
  await Promise.all(clients.map((c) => c.close()));
  started = Date.now();
  const connectTimes = await Promise.all(
    clients.map(async (c) => {
      const t = Date.now();
      c.connect();
      await c.waitForReady();
      return Date.now() - t;
    }),
  );
  const connectWallMs = Date.now() - started;
  const rssConnected = rssMb();

  // round trips: contact -> companion (messages.upsert), companion -> contact (decrypted by the simulator)
  const latencies: number[] = [];
  started = Date.now();
  await Promise.all(
    clients.map(async (client: TestClient, i) => {
      for (let r = 0; r < rounds; r++) {
        const t = Date.now();
        const text = `ping ${i}/${r}`;
        const upsert = client.waitFor('messages.upsert', (u) => u.messages.some((m) => textOf(m) === text), 60_000);
        await sim.send(contact(i), phone(i), { type: 'text', text });
        await upsert;
        const sent = await client.sock.sendMessage(`${contact(i)}@s.whatsapp.net`, { text: `pong ${i}/${r}` });
        await sim.waitForMessage(contact(i), (m) => m.id === sent!.key.id, 60_000);
        latencies.push(Date.now() - t);
      }
    }),
  );
  const roundTripWallMs = Date.now() - started;
  const rssAfter = rssMb();

  await Promise.all(clients.map((c) => c.close()));
  await sim.stop();

  const result = {
    sessions,
    date: new Date().toISOString(),
    node: process.version,
    /** 1-minute load average when the run ended: the machine may be shared. */
    loadAverage: round1(loadavg()[0]),
    pairing: {
      wallMs: pairWallMs,
      batch,
      perSessionP50Ms: percentile(pairTimes, 50),
      perSessionP95Ms: percentile(pairTimes, 95),
    },
    connect: {
      wallMs: connectWallMs,
      perSessionP50Ms: percentile(connectTimes, 50),
      perSessionP95Ms: percentile(connectTimes, 95),
    },
    roundTrips: {
      total: latencies.length,
      wallMs: roundTripWallMs,
      perSecond: round1((latencies.length / roundTripWallMs) * 1000),
      messagesPerSecond: round1(((latencies.length * 2) / roundTripWallMs) * 1000),
      latencyP50Ms: percentile(latencies, 50),
      latencyP95Ms: percentile(latencies, 95),
    },
    memory: {
      rssBeforeMb: round1(rssBefore),
      rssConnectedMb: round1(rssConnected),
      rssAfterTrafficMb: round1(rssAfter),
      perConnectedSessionMb: round1((rssConnected - rssBefore) / sessions),
    },
  };
  console.log(JSON.stringify(result, null, 2));

  const all = existsSync(RESULTS_JSON)
    ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf-8')) as { runs: Record<string, typeof result> })
    : { runs: {} as Record<string, typeof result> };
  all.runs[String(sessions)] = result;
  writeFileSync(RESULTS_JSON, JSON.stringify(all, null, 2) + '\n');
  writeFileSync(RESULTS_MD, markdown(Object.values(all.runs)));
}

function markdown(
  runs: {
    sessions: number;
    date: string;
    node: string;
    loadAverage?: number;
    pairing: { wallMs: number; perSessionP50Ms: number };
    connect: { wallMs: number; perSessionP50Ms: number; perSessionP95Ms: number };
    roundTrips: { total: number; perSecond: number; messagesPerSecond: number; latencyP50Ms: number; latencyP95Ms: number };
    memory: { perConnectedSessionMb: number; rssConnectedMb: number };
  }[],
): string {
  const rows = runs
    .sort((a, b) => a.sessions - b.sessions)
    .map(
      (r) =>
        `| ${r.sessions} | ${r.pairing.wallMs} | ${r.connect.wallMs} | ${r.connect.perSessionP50Ms} / ${r.connect.perSessionP95Ms} | ${r.roundTrips.perSecond} (${r.roundTrips.messagesPerSecond} msg/s) | ${r.roundTrips.latencyP50Ms} / ${r.roundTrips.latencyP95Ms} | ${r.memory.perConnectedSessionMb} | ${r.memory.rssConnectedMb} | ${r.loadAverage ?? '?'} |`,
    );
  return [
    '# Simulator benchmark',
    '',
    `Real Baileys ${BAILEYS_VERSION} sessions and the simulator in one Node process (\`npm run bench:simulator -- --sessions N\`).`,
    'Pairing = QR, scan, 515 restart and first login, in batches; connect = every session logging in again with saved creds at once;',
    "a round trip = a contact message to the session (awaited as `messages.upsert`) and the session's reply (awaited as decrypted by the contact).",
    'RSS per session = (RSS with all sessions connected - RSS before any) / N, after GC; both sides (client and simulator) count.',
    '',
    '| sessions | pair all (ms) | connect all (ms) | connect p50 / p95 (ms) | round trips/s | round trip p50 / p95 (ms) | RSS per session (MB) | RSS connected (MB) | load avg |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Measured on ${runs[0]?.node ?? process.version}, ${new Date().toISOString().slice(0, 10)}, on a 2-core machine shared with other`,
    'work (see the load average); the work is CPU-bound (Signal and Noise crypto on one thread), so figures move with the load.',
    'All sessions send at once (a closed loop), so latency grows with the session count while throughput stays bound by CPU;',
    'earlier runs on the same code under a heavier load gave 54 (50 sessions) and 26 (200 sessions) round trips/s.',
    '',
  ].join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
