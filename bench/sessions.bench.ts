/**
 * bench:sessions — N sandbox channels paired and connected through the API on one gateway: time until all are
 * connected (and, for realistic accounts, until their history is stored), RSS per connected channel, and time
 * until all reconnect after a restart of the gateway: a new gateway process on the same database, Redis and
 * network, run as the Dockerfile runs it (see GATEWAY_NODE_FLAGS), with its CPU and the simulator's.
 *
 *   npm run bench:sessions [-- --channels 100] [--realistic] [--concurrency 10] [--restarts 3]
 *                          [--profile DIR]   (a V8 CPU profile of the last restarted gateway, in DIR)
 *                          [--logs DIR]      (each restarted gateway's output, at info, in DIR/restart-<n>.log)
 *   npm run bench:sessions -- --render     (sessions.md again from sessions.json)
 *
 * The simulator runs as its own process (`npm run simulator`, with `--realistic` when asked: 300 contacts,
 * 30 groups, a 1,000-message history per account), so the gateway's RSS holds no simulated phone; the
 * gateway runs in this process and its RSS is process.memoryUsage().rss after a full GC. The simulator's is
 * VmRSS from /proc. The restarted gateway is a process of its own, as a restart is: the first gateway's heap
 * (what its sockets left for the collector) does not weigh on the second's. Needs PostgreSQL and Redis on
 * 127.0.0.1 (as the tests do). Each run replaces its row (light or realistic) in bench/results/sessions.{json,md}.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REALISTIC_ACCOUNT } from '../src/simulator';
import { createTestDatabase } from '../test/support/database';
import { loadConfig } from '../src/platform/config/load-config';
import { TestGateway, testEnvironment } from '../test/support/gateway';
import { bearer } from '../test/support/http';
import { PROJECT_ROOT, stopProcess } from '../test/support/processes';
import { startSimulatorService } from '../test/support/simulator-service';

const { values } = parseArgs({
  options: {
    channels: { type: 'string', default: '100' },
    realistic: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '10' },
    // gateway restarts after pairing: the reconnect figure is the median of their times
    restarts: { type: 'string', default: '3' },
    // a directory for a V8 CPU profile of the last restarted gateway (open it in Chrome's DevTools)
    profile: { type: 'string' },
    // a directory for each restarted gateway's output (logged at info), its exit code and how long its stop took
    logs: { type: 'string' },
    // writes sessions.md again from sessions.json, without measuring
    render: { type: 'boolean', default: false },
  },
});
const N = Number(values.channels);
const REALISTIC = values.realistic;
const CONCURRENCY = Number(values.concurrency);
const RESTARTS = Math.max(1, Number(values.restarts));
/**
 * Node's options for the restarted gateway, those of the Dockerfile's CMD and `npm run start:prod`: a young
 * generation of 64 MB, which halved the collector's share of a reconnect of hundreds of channels.
 */
const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=64'];
const TIMEOUT_MS = 1_800_000;

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Channels of `ids` connected, since `since` when given (a stopped gateway leaves its channels `connected`). */
async function connectedCount(prisma: TestGateway['prisma'], ids: string[], since?: Date): Promise<number> {
  return prisma.channel.count({ where: { id: { in: ids }, state: 'connected', ...(since ? { stateSince: { gte: since } } : {}) } });
}

async function allConnected(gw: TestGateway, ids: string[]): Promise<boolean> {
  return (await connectedCount(gw.prisma, ids)) === ids.length;
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function vmRss(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

function gatewayRss(): number {
  global.gc?.();
  return process.memoryUsage().rss;
}

/** User + system CPU seconds a process has used, from /proc (clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Reconnect {
  /** From the start of the new gateway process until every channel is connected. */
  seconds: number;
  seconds_to_half_connected: number;
  gateway_cpu_seconds: number;
  simulator_cpu_seconds: number;
  gateway_rss_mb: number;
}

/** The restart whose reconnect took the median time (the upper one of an even count). */
function median(reconnects: Reconnect[]): Reconnect {
  return [...reconnects].sort((a, b) => a.seconds - b.seconds)[Math.floor(reconnects.length / 2)];
}

/**
 * Builds the gateway as the image and `npm run build` do (the client generated, then tsc into dist/), so that a
 * restart runs compiled JavaScript: run from src/ through a TypeScript loader, it compiled every module first, 3 s
 * of its main thread at every start.
 */
function buildGateway(): string {
  execFileSync(process.execPath, ['scripts/db/generate.js'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  return path.join(PROJECT_ROOT, 'dist', 'src', 'main.js');
}

/**
 * Starts a gateway process on `env` (the built `main`, as `npm run start:prod` and the image do), waits until
 * every channel of `ids` is connected, and stops it.
 */
async function restartedGateway(
  main: string,
  env: NodeJS.ProcessEnv,
  prisma: TestGateway['prisma'],
  ids: string[],
  simulatorPid: number,
  options: { profileDir?: string; logFile?: string } = {},
): Promise<Reconnect> {
  const { profileDir, logFile } = options;
  const simulatorCpu = cpuSeconds(simulatorPid);
  const startedAt = new Date();
  const started = performance.now();
  const since = () => round((performance.now() - started) / 1000);
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, ...profile, main], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SWC_NODE_SOURCE_MAP_MODE: process.env.SWC_NODE_SOURCE_MAP_MODE, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    let half = 0;
    await until('all reconnected', async () => {
      if (child.exitCode !== null) throw new Error(`the restarted gateway exited with ${child.exitCode}:\n${output}`);
      const connected = await connectedCount(prisma, ids, startedAt);
      if (!half && connected >= ids.length / 2) half = since();
      return connected === ids.length;
    });
    return {
      seconds: since(),
      seconds_to_half_connected: half,
      gateway_cpu_seconds: round(cpuSeconds(child.pid!)),
      simulator_cpu_seconds: round(cpuSeconds(simulatorPid) - simulatorCpu),
      gateway_rss_mb: mb(vmRss(child.pid!)),
    };
  } finally {
    const stopping = performance.now();
    const code = await stopProcess(child);
    if (logFile) {
      const stopSeconds = round((performance.now() - stopping) / 1000);
      fs.writeFileSync(logFile, `${output}\n# exit code ${code}, stopped in ${stopSeconds} s\n`);
    }
  }
}

interface Row {
  accounts: 'light' | 'realistic';
  account_size: { contacts: number; groups: number; messages: number } | null;
  date: string;
  channels: number;
  pairing_concurrency: number;
  load_average_1m_before: number;
  load_average_1m_after: number;
  seconds_to_all_connected: number;
  seconds_to_all_history_stored: number | null;
  messages_stored: number;
  gateway_rss_mb_before: number;
  gateway_rss_mb_connected: number;
  gateway_rss_mb_per_connected_channel: number;
  seconds_to_all_reconnected_after_restart: number;
  gateway_rss_mb_reconnected: number;
  /** Each restart (absent from rows measured in the gateway's own process, before 2026-11-27). */
  restarts?: Reconnect[];
  simulator_rss_mb_connected: number;
}

async function main(): Promise<void> {
  const main = buildGateway();
  const loadBefore = os.loadavg()[0];
  const db = await createTestDatabase();
  const simulator = await startSimulatorService(undefined, REALISTIC ? ['--realistic'] : []);
  // one environment for the gateway run here and the restarted ones: the same secrets, Redis prefix and database
  const env: NodeJS.ProcessEnv = {
    ...testEnvironment(fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-bench-sessions-'))),
    DATABASE_URL: db.url,
    SANDBOX_URL: simulator.controlUrl,
    WORKER_CAPACITY: String(N + 10),
    LOG_LEVEL: 'warn',
  };
  const gw = await TestGateway.start(db.prisma, loadConfig(env));
  let closed = false;
  try {
    const { key, customerId } = await gw.newAccount({ plan: 'unlimited' });
    const rssBefore = gatewayRss();

    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const created = await gw.http
        .post('/v1/channels')
        .set(bearer(key))
        .send({ name: `bench-${i}` });
      ids.push((created.body as { id: string }).id);
    }
    await pool(ids, CONCURRENCY, async (id) => {
      // A 503 (the pool stayed busy past its wait while earlier channels import their history) is retried, as a
      // client would: it says "try again in a moment".
      let connect = await gw.http.post(`/v1/channels/${id}/connect`).set(bearer(key));
      for (let retry = 0; connect.status === 503 && retry < 10; retry++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        connect = await gw.http.post(`/v1/channels/${id}/connect`).set(bearer(key));
      }
      if (connect.status !== 202) throw new Error(`connect answered ${connect.status}: ${JSON.stringify(connect.body)}`);
      for (;;) {
        const qr = await gw.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({});
        if (qr.status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await until('all connected', () => allConnected(gw, ids));
    const connectSeconds = (performance.now() - started) / 1000;
    let historySeconds: number | null = null;
    const expected = REALISTIC ? N * REALISTIC_ACCOUNT.messages : 0;
    if (REALISTIC) {
      await until('all history stored', async () => (await gw.prisma.message.count({ where: { customerId } })) >= expected);
      historySeconds = (performance.now() - started) / 1000;
    }
    const messagesStored = await gw.prisma.message.count({ where: { customerId } });
    const rssConnected = gatewayRss();
    const simulatorRss = vmRss(simulator.child.pid!);

    await gw.close();
    closed = true;
    const restarts: Reconnect[] = [];
    if (values.logs) fs.mkdirSync(values.logs, { recursive: true });
    for (let i = 1; i <= RESTARTS; i++) {
      restarts.push(
        await restartedGateway(main, values.logs ? { ...env, LOG_LEVEL: 'info' } : env, db.prisma, ids, simulator.child.pid!, {
          profileDir: i === RESTARTS ? values.profile : undefined,
          logFile: values.logs ? path.join(values.logs, `restart-${i}.log`) : undefined,
        }),
      );
      console.log(`restart ${i}: ${JSON.stringify(restarts[restarts.length - 1])}`);
    }
    const reconnect = median(restarts);

    const row: Row = {
      accounts: REALISTIC ? 'realistic' : 'light',
      account_size: REALISTIC ? REALISTIC_ACCOUNT : null,
      date: new Date().toISOString(),
      channels: N,
      pairing_concurrency: CONCURRENCY,
      load_average_1m_before: round(loadBefore),
      load_average_1m_after: round(os.loadavg()[0]),
      seconds_to_all_connected: round(connectSeconds),
      seconds_to_all_history_stored: historySeconds === null ? null : round(historySeconds),
      messages_stored: messagesStored,
      gateway_rss_mb_before: mb(rssBefore),
      gateway_rss_mb_connected: mb(rssConnected),
      gateway_rss_mb_per_connected_channel: round((rssConnected - rssBefore) / N / 1024 / 1024),
      seconds_to_all_reconnected_after_restart: reconnect.seconds,
      gateway_rss_mb_reconnected: reconnect.gateway_rss_mb,
      restarts,
      simulator_rss_mb_connected: mb(simulatorRss),
    };
    console.log(JSON.stringify(row, null, 2));
    write(row);
  } finally {
    if (!closed) await gw.close();
    await stopProcess(simulator.child);
    await db.drop();
  }
}

/** Replaces this kind of account's row in the results, keeping the other's beside it. */
function write(row: Row): void {
  const dir = path.join(__dirname, 'results');
  const file = path.join(dir, 'sessions.json');
  fs.mkdirSync(dir, { recursive: true });
  let rows: Row[] = [];
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { rows?: Row[] };
    rows = (saved.rows ?? []).filter((r) => r.accounts !== row.accounts);
  } catch {
    // no results yet, or the single-row results of earlier versions
  }
  rows.push(row);
  rows.sort((a, b) => a.accounts.localeCompare(b.accounts));
  const machine = { cpus: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  fs.writeFileSync(file, `${JSON.stringify({ machine, rows }, null, 2)}\n`);
  const cell = (f: (r: Row) => string | number | null) => rows.map((r) => ` ${f(r) ?? '—'} |`).join('');
  const size = (r: Row) =>
    r.account_size
      ? `realistic (${r.account_size.contacts} contacts, ${r.account_size.groups} groups, ${r.account_size.messages} messages)`
      : 'light (no history)';
  const md = path.join(dir, 'sessions.md');
  // what was written by hand under "## Notes" (why N is what it is, what limits it) outlives a new run
  const previous = fs.existsSync(md) ? fs.readFileSync(md, 'utf8') : '';
  const notes = previous.includes('\n## Notes') ? previous.slice(previous.indexOf('\n## Notes') + 1) : '';
  // the import runs while later channels still pair, so the rate is over the whole run
  const importRate = (r: Row) =>
    r.seconds_to_all_history_stored === null ? null : `${Math.round(r.messages_stored / r.seconds_to_all_history_stored)} messages/s`;
  fs.writeFileSync(
    md,
    [
      '# bench:sessions',
      '',
      `Sandbox channels paired through the API on one gateway process (${machine.cpus} cores, ${machine.memory_gb} GiB, Node ${machine.node}, shared with other work: see the load).`,
      "The simulator runs as its own process; the gateway runs in the benchmark process, whose RSS (after a full GC) is the gateway's. After pairing it stops, and each restart is a gateway process of its own (`node --max-semi-space-size=64 dist/src/main.js`, as the image runs it; from src/ before 2026-11-27 08:00), measured from its start until every channel is connected again; its RSS and CPU from /proc.",
      '',
      `| measure |${cell(size)}`,
      `|---|${rows.map(() => '---|').join('')}`,
      `| date |${cell((r) => r.date)}`,
      `| channels (pairing ${rows[0].pairing_concurrency} at a time) |${cell((r) => r.channels)}`,
      `| load average (1 min) before / after |${cell((r) => `${r.load_average_1m_before} / ${r.load_average_1m_after}`)}`,
      `| time until all connected (create, connect, scan, connected) |${cell((r) => `${r.seconds_to_all_connected} s`)}`,
      `| time until every history stored (from the first create) |${cell((r) => (r.seconds_to_all_history_stored === null ? null : `${r.seconds_to_all_history_stored} s`))}`,
      `| messages stored |${cell((r) => r.messages_stored)}`,
      `| history messages stored a second, from the first create to the last stored |${cell(importRate)}`,
      `| gateway RSS before / all connected |${cell((r) => `${r.gateway_rss_mb_before} MB / ${r.gateway_rss_mb_connected} MB`)}`,
      `| gateway RSS per connected channel |${cell((r) => `${r.gateway_rss_mb_per_connected_channel} MB`)}`,
      `| time until all reconnected after a gateway restart (median; each restart) |${cell((r) => `${r.seconds_to_all_reconnected_after_restart} s${r.restarts ? ` (${r.restarts.map((x) => `${x.seconds} s`).join(', ')})` : ''}`)}`,
      `| CPU of that restart: gateway / simulator |${cell((r) => {
        const x = r.restarts && median(r.restarts);
        return x ? `${x.gateway_cpu_seconds} s / ${x.simulator_cpu_seconds} s` : null;
      })}`,
      `| gateway RSS after the restart, all reconnected |${cell((r) => `${r.gateway_rss_mb_reconnected} MB`)}`,
      `| simulator process RSS, all connected |${cell((r) => `${r.simulator_rss_mb_connected} MB`)}`,
      '',
      ...(notes ? [notes.trimEnd(), ''] : []),
    ].join('\n'),
  );
}

function render(): void {
  const saved = JSON.parse(fs.readFileSync(path.join(__dirname, 'results', 'sessions.json'), 'utf8')) as { rows: Row[] };
  write(saved.rows[saved.rows.length - 1]);
}

(values.render ? Promise.resolve().then(render) : main()).then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
