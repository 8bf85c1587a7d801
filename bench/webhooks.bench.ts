/**
 * Webhook delivery benchmark: 10,000 events through one gateway to a local receiver, from event creation
 * (the producer's commit) to receipt; then the same with the receiver failing half of the first attempts.
 * Needs PostgreSQL and Redis on 127.0.0.1, like the integration tests. Writes bench/results/webhooks.{json,md}.
 *
 *   npm run bench:webhooks [-- --events 10000 --channels 50 --concurrency 64 --publishers 8 --batch 10
 *                             --paced-rate 100 --paced-events 3000]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EVENT_EXAMPLES } from '../src/event-catalogue';
import { Outbox } from '../src/modules/events/outbox';
import { createTestDatabase } from '../test/support/database';
import { TestGateway } from '../test/support/gateway';

/** A message.received whose message id carries its number, `n`. */
function benchMessage(n: number) {
  const example = EVENT_EXAMPLES['message.received'];
  const id = `msg_bench_${n}`;
  return { message_id: id, chat_id: example.chat_id, message: { ...example.message, id, text: `message ${n}` }, is_story: false };
}

function numberOf(messageId: string): number {
  return Number(messageId.slice('msg_bench_'.length));
}

interface Options {
  events: number;
  channels: number;
  concurrency: number;
  publishers: number;
  /** Events per producer transaction. */
  batch: number;
  /** The third phase: events published at a steady rate below saturation. */
  pacedRate: number;
  pacedEvents: number;
}

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
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A receiver that answers 200, or 503 to first attempts the phase wants to fail, and times each receipt. */
async function startReceiver(failFirst: (n: number) => boolean) {
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
      if (body.attempt === 1 && failFirst(n)) {
        response.writeHead(503).end();
        return;
      }
      if (firstReceipt.has(n)) duplicates += 1;
      else firstReceipt.set(n, performance.now());
      response.writeHead(200).end();
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

async function runPhase(
  name: string,
  options: Options,
  failFirst: (n: number) => boolean,
  pace?: { eventsPerSecond: number },
): Promise<PhaseResult> {
  const db = await createTestDatabase();
  const receiver = await startReceiver(failFirst);
  const gw = await TestGateway.start(db.prisma, {
    egressAllowedHosts: ['127.0.0.1'],
    webhooks: {
      attemptTimeoutMs: 10_000,
      retryScheduleMs: [250, 500, 1_000, 2_000],
      sweepIntervalMs: 5_000,
      concurrency: options.concurrency,
    },
  });
  try {
    const { customerId, key } = await gw.newAccount({ plan: 'unlimited' });
    const created = await gw.http.post('/v1/webhooks').set('Authorization', `Bearer ${key}`).send({ url: receiver.url });
    if (created.status !== 201) throw new Error(`could not create the endpoint: ${created.status} ${JSON.stringify(created.body)}`);
    const outbox = gw.app.get(Outbox);
    const createdAt = new Array<number>(options.events);

    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.publishers }, async () => {
        for (let first = next; first < options.events; first = next) {
          // A producer's transaction with a few events (a burst of messages), committed, then handed on.
          const batch = Array.from({ length: Math.min(options.batch, options.events - first) }, (_, i) => first + i);
          next += batch.length;
          if (pace) {
            // Open-loop producers: each batch starts at its slot, so latency is measured below saturation.
            const slot = started + (first / pace.eventsPerSecond) * 1000;
            const wait = slot - performance.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          }
          const at = performance.now();
          for (const n of batch) createdAt[n] = at;
          await outbox.run(async (_tx, publish) => {
            for (const n of batch) {
              publish({
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
    const published = performance.now();
    const deadline = Date.now() + 600_000;
    while (receiver.firstReceipt.size < options.events && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const finished = Math.max(...receiver.firstReceipt.values());
    const latencies = [...receiver.firstReceipt.entries()].map(([n, at]) => at - createdAt[n]).sort((a, b) => a - b);
    const seconds = (finished - started) / 1000;
    const { requests, duplicates } = receiver.stats();
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
    };
  } finally {
    await gw.close();
    await receiver.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const options: Options = {
    events: option('events', 10_000),
    channels: option('channels', 50),
    concurrency: option('concurrency', 64),
    publishers: option('publishers', 8),
    batch: option('batch', 10),
    pacedRate: option('paced-rate', 100),
    pacedEvents: option('paced-events', 3000),
  };
  const phases = [
    await runPhase('all first attempts succeed', options, () => false),
    await runPhase('50% of first attempts fail (503), retried after 250 ms', options, (n) => n % 2 === 0),
    await runPhase(
      `paced at ${options.pacedRate} events/s (${options.pacedEvents} events), all first attempts succeed`,
      { ...options, events: options.pacedEvents },
      () => false,
      { eventsPerSecond: options.pacedRate },
    ),
  ];
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
      `| ${p.name} | ${p.delivered}/${p.events} | ${p.duplicates} | ${p.requests} | ${p.publish_seconds} | ${p.seconds} | ${p.events_per_second} | ${p.latency_ms.p50} | ${p.latency_ms.p90} | ${p.latency_ms.p99} | ${p.latency_ms.max} |`,
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
      `WEBHOOK_CONCURRENCY=${options.concurrency}. Latency: from just before the producer's transaction to the receiver ` +
      'accepting the event (for failed first attempts, the successful retry). In the first two phases the producers ' +
      'publish as fast as they can, so latency includes the backlog; the paced phase shows it below saturation.',
    '',
    '| Phase | Delivered | Duplicates | Requests | Published in (s) | All received in (s) | Events/s | p50 ms | p90 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
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
