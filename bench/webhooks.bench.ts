/**
 * Webhook delivery benchmark: 10,000 events through one gateway to a local receiver, from event creation
 * (the producer's commit) to receipt; then the same with the receiver failing half of the first attempts;
 * then paced below saturation; then fairness: a healthy endpoint's latency beside a slow (5 s answers) or a
 * failing (50 % 503) endpoint of the same account, against its latency alone. Every phase counts the SQL
 * queries the gateway sent per event. Needs PostgreSQL and Redis on 127.0.0.1, like the integration tests.
 * Writes bench/results/webhooks.{json,md}. The webhook slots and their share per endpoint are a deployment's defaults
 * unless `--concurrency` and `--endpoint-concurrency` are given.
 *
 *   npm run bench:webhooks [-- --events 10000 --channels 50 --concurrency 64 --endpoint-concurrency 16 --publishers 8 --batch 10
 *                             --paced-rate 500 --paced-events 5000 --fair-rate 200 --fair-events 2000
 *                             --only saturated,failing,paced,fairness --profile webhooks.cpuprofile]
 *
 * `--profile <file>` writes a CPU profile of the first phase run (open it in Chrome's DevTools).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EVENT_EXAMPLES } from '../src/event-catalogue';
import { Outbox } from '../src/modules/events/outbox';
import { loadConfig } from '../src/platform/config/load-config';
import { createTestDatabase } from '../test/support/database';
import { TestGateway } from '../test/support/gateway';
import { assertDeploymentNodeFlags, option, profiled, textOption } from './support/bench-run';

/** A message.received whose message id carries its number, `n`. */
function benchMessage(n: number) {
  const example = EVENT_EXAMPLES['message.received'];
  const id = `msg_bench_${n}`;
  return { message_id: id, chat_id: example.chat_id, message: { ...example.message, id, text: `message ${n}` }, is_story: false };
}

function numberOf(messageId: string): number {
  return Number(messageId.slice('msg_bench_'.length));
}

/**
 * Every SQL statement the process sends goes through pg.Client#query (Prisma's pg adapter included): counted
 * here, so a phase can report statements per event. BEGIN and COMMIT count as statements.
 */
let queries = 0;
// eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound below with apply
const query = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries += 1;
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

interface Options {
  events: number;
  channels: number;
  concurrency: number;
  /** WEBHOOK_ENDPOINT_CONCURRENCY: one endpoint's share of the slots. */
  endpointConcurrency: number;
  publishers: number;
  /** Events per producer transaction. */
  batch: number;
  /** The third phase: events published at a steady rate below saturation. */
  pacedRate: number;
  pacedEvents: number;
  /** The fairness phases: paced, a healthy endpoint alone then beside a slow or failing one. */
  fairRate: number;
  fairEvents: number;
  /**
   * Seconds of events, at the phase's pace (WARMUP_RATE when it has none), sent to an endpoint of their own and
   * received in full before the phase: a gateway just started opens its connections, prepares its statements and
   * compiles its code in its first seconds, which is not the steady state a phase measures.
   */
  warmupSeconds: number;
}

/** Rate of the warm-up of a phase whose producers are not paced. */
const WARMUP_RATE = 500;

/** How a receiver answers: 200 at once; 503 to the first attempts a phase picks; or slowly, or 503 half the time. */
type Behaviour = { kind: 'healthy'; failFirst?: (n: number) => boolean } | { kind: 'slow'; delayMs: number } | { kind: 'flaky' };

interface PhaseResult {
  name: string;
  events: number;
  delivered: number;
  duplicates: number;
  /** Time the producers took to commit every event. */
  publish_seconds: number;
  seconds: number;
  events_per_second: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  requests: number;
  /** SQL statements the process sent during the phase, per event. */
  queries_per_event: number;
  /** CPU time of this process (gateway, producers and receivers alike) per event: steadier than rates on a busy machine. */
  cpu_ms_per_event: number;
  /** The warm-up: its events, and the p99 of their latency (a gateway's first seconds). */
  warmup: { events: number; p99_ms: number };
  /** For the fairness phases: what the other endpoint received meanwhile. */
  other?: { behaviour: string; requests: number; accepted: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A receiver that answers as `behaviour` says and times each accepted receipt. */
async function startReceiver(behaviour: Behaviour) {
  const firstReceipt = new Map<number, number>();
  let requests = 0;
  let duplicates = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { attempt: number; payload: { message_id: string } };
      const n = numberOf(body.payload.message_id);
      const fail =
        (behaviour.kind === 'healthy' && body.attempt === 1 && behaviour.failFirst?.(n)) ||
        (behaviour.kind === 'flaky' && requests % 2 === 0);
      if (fail) {
        response.writeHead(503).end();
        return;
      }
      const accept = () => {
        if (firstReceipt.has(n)) duplicates += 1;
        else firstReceipt.set(n, performance.now());
        if (!response.destroyed) response.writeHead(200).end();
      };
      if (behaviour.kind === 'slow') setTimeout(accept, behaviour.delayMs);
      else accept();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench`,
    firstReceipt,
    stats: () => ({ requests, duplicates }),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describe(behaviour: Behaviour): string {
  if (behaviour.kind === 'slow') return `answers 200 after ${behaviour.delayMs} ms`;
  if (behaviour.kind === 'flaky') return 'answers 503 to every other request';
  return 'answers 200 at once';
}

/**
 * One phase: `options.events` events, each to the measured endpoint (a receiver behaving as `measured`) and,
 * when `other` is given, to a second endpoint of the same account behaving as `other`. Only the measured
 * receiver is waited for and timed.
 */
async function runPhase(
  name: string,
  options: Options,
  measured: Behaviour,
  pace?: { eventsPerSecond: number },
  other?: Behaviour,
): Promise<PhaseResult> {
  const db = await createTestDatabase();
  const receiver = await startReceiver(measured);
  const second = other ? await startReceiver(other) : undefined;
  const gw = await TestGateway.start(db.prisma, {
    egressAllowedHosts: ['127.0.0.1'],
    webhooks: {
      attemptTimeoutMs: 10_000,
      retryScheduleMs: [250, 500, 1_000, 2_000],
      sweepIntervalMs: 5_000,
      concurrency: options.concurrency,
      endpointConcurrency: options.endpointConcurrency,
    },
  });
  try {
    const { customerId, key } = await gw.newAccount({ plan: 'unlimited' });
    const outbox = gw.app.get(Outbox);
    /** Publishes `count` events as the phase's producers do; `createdAt[n]` is when event n's transaction began. */
    const publish = async (count: number, pacedAt?: { eventsPerSecond: number }) => {
      const createdAt = new Array<number>(count);
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: options.publishers }, async () => {
          for (let first = next; first < count; first = next) {
            // A producer's transaction with a few events (a burst of messages), committed, then handed on.
            const batch = Array.from({ length: Math.min(options.batch, count - first) }, (_, i) => first + i);
            next += batch.length;
            if (pacedAt) {
              // Open-loop producers: each batch starts at its slot, so latency is measured below saturation.
              const slot = started + (first / pacedAt.eventsPerSecond) * 1000;
              const wait = slot - performance.now();
              if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            }
            const at = performance.now();
            for (const n of batch) createdAt[n] = at;
            await outbox.run(async (_tx, publishEvent) => {
              for (const n of batch) {
                publishEvent({
                  type: 'message.received',
                  customerId,
                  channelId: `bench-channel-${n % options.channels}`,
                  payload: benchMessage(n),
                  correlationId: `req_bench_${n}`,
                });
              }
            });
          }
        }),
      );
      return { createdAt, started };
    };
    const allReceived = async (at: Awaited<ReturnType<typeof startReceiver>>, count: number) => {
      const deadline = Date.now() + 600_000;
      while (at.firstReceipt.size < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };

    // The warm-up, to an endpoint of its own (the phase's receivers see none of it), removed once it is over.
    const warmupReceiver = await startReceiver({ kind: 'healthy' });
    const warmupEvents = Math.round((pace?.eventsPerSecond ?? WARMUP_RATE) * options.warmupSeconds);
    let warmupP99 = NaN;
    try {
      const endpoint = await gw.http.post('/v1/webhooks').set('Authorization', `Bearer ${key}`).send({ url: warmupReceiver.url });
      if (endpoint.status !== 201) throw new Error(`could not create the warm-up endpoint: ${endpoint.status}`);
      const warm = await publish(warmupEvents, { eventsPerSecond: pace?.eventsPerSecond ?? WARMUP_RATE });
      await allReceived(warmupReceiver, warmupEvents);
      const warmLatencies = [...warmupReceiver.firstReceipt.entries()].map(([n, at]) => at - warm.createdAt[n]).sort((a, b) => a - b);
      warmupP99 = Math.round(percentile(warmLatencies, 99));
      await gw.http.delete(`/v1/webhooks/${(endpoint.body as { id: string }).id}`).set('Authorization', `Bearer ${key}`);
    } finally {
      await warmupReceiver.close();
    }
    for (const url of [receiver.url, ...(second ? [second.url] : [])]) {
      const created = await gw.http.post('/v1/webhooks').set('Authorization', `Bearer ${key}`).send({ url });
      if (created.status !== 201) throw new Error(`could not create the endpoint: ${created.status} ${JSON.stringify(created.body)}`);
    }

    const queriesBefore = queries;
    const cpuBefore = process.cpuUsage();
    const { createdAt, started } = await publish(options.events, pace);
    const published = performance.now();
    await allReceived(receiver, options.events);
    const finished = Math.max(...receiver.firstReceipt.values());
    const latencies = [...receiver.firstReceipt.entries()].map(([n, at]) => at - createdAt[n]).sort((a, b) => a - b);
    const seconds = (finished - started) / 1000;
    const { requests, duplicates } = receiver.stats();
    const queriesPerEvent = Number(((queries - queriesBefore) / options.events).toFixed(2));
    const cpu = process.cpuUsage(cpuBefore);
    process.stderr.write(`${name}: published in ${Math.round(published - started)} ms, received by ${Math.round(finished - started)} ms\n`);
    return {
      name,
      events: options.events,
      delivered: receiver.firstReceipt.size,
      duplicates,
      publish_seconds: Number(((published - started) / 1000).toFixed(2)),
      seconds: Number(seconds.toFixed(2)),
      events_per_second: Math.round(receiver.firstReceipt.size / seconds),
      latency_ms: {
        p50: Math.round(percentile(latencies, 50)),
        p90: Math.round(percentile(latencies, 90)),
        p99: Math.round(percentile(latencies, 99)),
        max: Math.round(latencies[latencies.length - 1]),
      },
      requests,
      warmup: { events: warmupEvents, p99_ms: warmupP99 },
      queries_per_event: queriesPerEvent,
      cpu_ms_per_event: Number(((cpu.user + cpu.system) / 1000 / options.events).toFixed(2)),
      ...(second && other
        ? { other: { behaviour: describe(other), requests: second.stats().requests, accepted: second.firstReceipt.size } }
        : {}),
    };
  } finally {
    // A slow receiver's answers still in flight must not hold the gateway's shutdown.
    await second?.close();
    // Attempts cut by that close retry while the gateway stops: a Redis write refused then is not the phase's result.
    await gw.close().catch((error: Error) => process.stderr.write(`${name}: the gateway stopped with an error: ${error.message}\n`));
    await receiver.close();
    await db.drop();
  }
}

const PHASES = ['saturated', 'failing', 'paced', 'fairness'] as const;

/** A deployment's webhook slots and share, unless `--concurrency` and `--endpoint-concurrency` say otherwise. */
const DEPLOYMENT = loadConfig({ DATA_DIR: os.tmpdir() }).webhooks;

async function main(): Promise<void> {
  assertDeploymentNodeFlags();
  const options: Options = {
    events: option('events', 10_000),
    channels: option('channels', 50),
    concurrency: option('concurrency', DEPLOYMENT.concurrency),
    endpointConcurrency: option('endpoint-concurrency', DEPLOYMENT.endpointConcurrency),
    publishers: option('publishers', 8),
    batch: option('batch', 10),
    pacedRate: option('paced-rate', 500),
    pacedEvents: option('paced-events', 5000),
    fairRate: option('fair-rate', 200),
    fairEvents: option('fair-events', 2000),
    warmupSeconds: option('warmup-seconds', 2),
  };
  const only = (textOption('only') ?? PHASES.join(',')).split(',');
  const profile = textOption('profile');
  let profiledOnce = false;
  const run = (...args: Parameters<typeof runPhase>) => {
    const file = profiledOnce ? undefined : profile;
    profiledOnce = true;
    return profiled(file, () => runPhase(...args));
  };
  const healthy: Behaviour = { kind: 'healthy' };
  const phases: PhaseResult[] = [];
  if (only.includes('saturated')) phases.push(await run('all first attempts succeed', options, healthy));
  if (only.includes('failing')) {
    phases.push(
      await run('50% of first attempts fail (503), retried after 250 ms', options, { kind: 'healthy', failFirst: (n) => n % 2 === 0 }),
    );
  }
  if (only.includes('paced')) {
    phases.push(
      await run(
        `paced at ${options.pacedRate} events/s (${options.pacedEvents} events)`,
        { ...options, events: options.pacedEvents },
        healthy,
        {
          eventsPerSecond: options.pacedRate,
        },
      ),
    );
  }
  if (only.includes('fairness')) {
    const fair = { ...options, events: options.fairEvents };
    const pace = { eventsPerSecond: options.fairRate };
    const label = `paced at ${options.fairRate} events/s (${options.fairEvents} events)`;
    phases.push(await run(`fairness: healthy endpoint alone, ${label}`, fair, healthy, pace));
    phases.push(
      await run(`fairness: healthy endpoint beside a slow one (5 s answers), ${label}`, fair, healthy, pace, {
        kind: 'slow',
        delayMs: 5_000,
      }),
    );
    phases.push(await run(`fairness: healthy endpoint beside a failing one (50 % 503), ${label}`, fair, healthy, pace, { kind: 'flaky' }));
  }
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      // Other work on the machine skews the figures; the 1-minute load average at the end tells how much.
      load_average_1m: Number(os.loadavg()[0].toFixed(2)),
    },
    options,
    phases,
  };
  const dir = path.resolve(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'webhooks.json'), `${JSON.stringify(result, null, 2)}\n`);
  const rows = phases.map(
    (p) =>
      `| ${p.name} | ${p.delivered}/${p.events} | ${p.events - p.delivered} | ${p.duplicates} | ${p.requests} | ${p.queries_per_event} | ${p.cpu_ms_per_event} | ${p.publish_seconds} | ${p.seconds} | ${p.events_per_second} | ${p.latency_ms.p50} | ${p.latency_ms.p90} | ${p.latency_ms.p99} | ${p.latency_ms.max} | ${p.warmup.p99_ms} |`,
  );
  const alone = phases.find((p) => p.name.startsWith('fairness: healthy endpoint alone'));
  const fairness = phases
    .filter((p) => p.other)
    .map(
      (p) =>
        `- healthy endpoint p99 ${p.latency_ms.p99} ms beside one that ${p.other!.behaviour} (alone: ${alone?.latency_ms.p99 ?? '?'} ms); ` +
        `the other endpoint got ${p.other!.requests} requests and accepted ${p.other!.accepted} events meanwhile.`,
    );
  const markdown = [
    '# Webhook delivery benchmark',
    '',
    `${result.date} — ${result.machine.cpus} × ${result.machine.cpu}, ${result.machine.memory_gb} GB, Node ${result.machine.node}; ` +
      `load average ${result.machine.load_average_1m} at the end; one gateway process, PostgreSQL and Redis on the same machine, ` +
      'the receiver in the same process.',
    '',
    `${options.events} \`message.received\` events over ${options.channels} channels to one endpoint (every event through the ` +
      `outbox, the queue, a claimed attempt and a signed POST); ${options.publishers} concurrent producers committing ` +
      `${options.batch} events per transaction; ` +
      `WEBHOOK_CONCURRENCY=${options.concurrency}, WEBHOOK_ENDPOINT_CONCURRENCY=${options.endpointConcurrency}. Latency: from just before the producer's transaction to the receiver ` +
      'accepting the event (for failed first attempts, the successful retry). In the first two phases the producers ' +
      'publish as fast as they can, so latency includes the backlog; the paced phases show it below saturation. ' +
      'Queries/event: SQL statements the gateway sent during the phase (BEGIN and COMMIT included) per event; CPU ms/event: ' +
      'CPU time of the whole process (gateway, producers, receivers) per event, steadier than rates when the machine is shared. ' +
      'Lost: events the measured receiver never accepted; duplicates: events it accepted more than once. ' +
      `Each phase runs on a gateway started for it, after a warm-up: ${options.warmupSeconds} s of the same events at the phase's pace ` +
      `(${WARMUP_RATE}/s when it has none) to an endpoint of their own, received in full before the phase starts, so that a phase ` +
      'measures a running gateway rather than its first seconds (connections opened, statements prepared, code compiled); ' +
      "the warm-up's own p99 is the last column.",
    '',
    '| Phase | Delivered | Lost | Duplicates | Requests | Queries/event | CPU ms/event | Published in (s) | All received in (s) | Events/s | p50 ms | p90 ms | p99 ms | max ms | warm-up p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...(fairness.length > 0
      ? ['Fairness (two endpoints of one account, every event to both; only the healthy one is timed):', '', ...fairness, '']
      : []),
    'Where the time goes: see webhooks-profile.md (CPU profile of the saturated phase, `--profile`).',
    '',
    'Reproduce: `npm run bench:webhooks` (PostgreSQL and Redis on 127.0.0.1).',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'webhooks.md'), markdown);
  process.stdout.write(markdown);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
