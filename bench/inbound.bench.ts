/**
 * Inbound benchmark: simulated contacts write to `--channels` sandbox channels of one gateway, `--rate`
 * messages a second in total (open loop: each message leaves at its slot, whatever the gateway does) for
 * `--seconds`. For every message, from the benchmark asking the simulator to send it to (a) the gateway
 * committing it to the channel's history (the message.received event is written in the same transaction as the message, so its
 * commit notice is the moment the message is readable through the API) and (b) its message.received
 * webhook reaching a receiver. Lost and duplicated messages are counted in the history (database) and at
 * the receiver. The simulator runs in a process of its own (SANDBOX_URL), and so does the load: the sends asked of the
 * simulator and the webhook receiver (bench/support/inbound-load.ts); the gateway's process holds the gateway alone,
 * with the webhook and message settings a deployment has by default (not the tests' short sweeps). A warm-up of
 * `--warm-up` seconds at the same rate, not counted, comes first: each contact's first message, then more.
 * Needs PostgreSQL and Redis on 127.0.0.1, like the integration tests. Writes bench/results/inbound.{json,md}.
 *
 *   npm run bench:inbound [-- --channels 20 --contacts 5 --rate 200 --seconds 30 --warm-up 3 --wait 120 --profile inbound.cpuprofile]
 *
 * `--contacts` is per channel. `--profile <file>` writes a CPU profile of the run (open it in Chrome's DevTools).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EventsService } from '../src/modules/events/events.service';
import type { AppConfig } from '../src/platform/config/app-config';
import { loadConfig } from '../src/platform/config/load-config';
import { ChannelClient } from '../test/support/channels';
import { createTestDatabase } from '../test/support/database';
import { TestGateway, testEnvironment } from '../test/support/gateway';
import { bearer } from '../test/support/http';
import { Arrivals, BENCH_TEXT_PREFIX, numberOf, startInboundLoad, textOf, WARM_UP_TEXT_PREFIX } from './support/inbound-load';
import { describePerMessage, measureMachineCpu, perMessage } from './support/machine-cpu';
import { startSimulatorProcess } from './support/simulator-process';
import { assertDeploymentNodeFlags, option, profiled, textOption } from './support/bench-run';

/** SQL statements the process sends (Prisma's pg adapter included), for statements per message. */
let queries = 0;
// eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound below with apply
const query = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries += 1;
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Latency {
  received: number;
  lost: number;
  duplicates: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function latency(sentAt: number[], arrivals: ReadonlyMap<number, number>, duplicates: number): Latency {
  const values = [...arrivals.entries()].map(([n, at]) => at - sentAt[n]).sort((a, b) => a - b);
  return {
    received: arrivals.size,
    lost: sentAt.length - arrivals.size,
    duplicates,
    p50: Math.round(percentile(values, 50)),
    p90: Math.round(percentile(values, 90)),
    p99: Math.round(percentile(values, 99)),
    max: Math.round(values[values.length - 1] ?? NaN),
  };
}

/** Resolves once `done()` holds, or after `seconds`. */
async function until(done: () => boolean, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** p50 and p99 of each run of `perWindow` messages in the order they were sent: where in the run the tail comes from. */
function byWindow(sentAt: number[], arrivals: ReadonlyMap<number, number>, perWindow: number): Array<{ p50: number; p99: number }> {
  const windows: Array<{ p50: number; p99: number }> = [];
  for (let first = 0; first < sentAt.length; first += perWindow) {
    const values: number[] = [];
    for (let n = first; n < Math.min(sentAt.length, first + perWindow); n++) {
      const at = arrivals.get(n);
      if (at !== undefined) values.push(at - sentAt[n]);
    }
    values.sort((a, b) => a - b);
    windows.push({ p50: Math.round(percentile(values, 50)), p99: Math.round(percentile(values, 99)) });
  }
  return windows;
}

const WINDOW_SECONDS = 5;

/**
 * The webhook and message settings as a deployment has them by default, where the tests' shorten them: the
 * sweepers' intervals above all. A sweep finds deliveries due for more than two seconds and queues them again;
 * during a backlog that is most of them, every 500 ms with the tests' interval (30 s by default), which added
 * to the backlog it was sweeping.
 */
function productionTimings(): Pick<AppConfig, 'webhooks' | 'messages'> {
  const shortened = [
    'WEBHOOK_ATTEMPT_TIMEOUT_MS',
    'WEBHOOK_RETRY_SCHEDULE_MS',
    'WEBHOOK_SWEEP_INTERVAL_MS',
    'WEBHOOK_CONCURRENCY',
    'MESSAGE_SWEEP_INTERVAL_MS',
  ];
  const environment = testEnvironment(os.tmpdir());
  for (const name of shortened) delete environment[name];
  const { webhooks, messages } = loadConfig(environment);
  return { webhooks, messages };
}

let phones = 0;
function nextPhone(): string {
  phones++;
  return `1555874${String(phones).padStart(4, '0')}`;
}

// A backlog still being worked through when the run ends has its database connections cut by the drop: expected.
process.on('uncaughtException', (error) => {
  if ((error as { code?: string }).code === '57P01') return;
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});

async function main(): Promise<void> {
  assertDeploymentNodeFlags();
  const options = {
    channels: option('channels', 20),
    contacts: option('contacts', 5),
    rate: option('rate', 200),
    seconds: option('seconds', 30),
    /** How long to wait, after the last send, for every message to be seen. */
    wait: option('wait', 120),
    /** Seconds of warm-up at the same rate before the measured ones (at least one message from each contact). */
    warmUp: option('warm-up', 3),
  };
  const total = Math.round(options.rate * options.seconds);
  const db = await createTestDatabase();
  const simulator = await startSimulatorProcess();
  const { sim } = simulator;
  const history = new Arrivals();
  const warmUpHistory = new Arrivals();
  const load = await startInboundLoad();
  const timings = productionTimings();
  const gw = await TestGateway.start(db.prisma, {
    egressAllowedHosts: ['127.0.0.1'],
    sandboxUrl: simulator.controlUrl,
    ...timings,
  });
  try {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const created = await gw.http
      .post('/v1/webhooks')
      .set(bearer(key))
      .send({ url: load.receiverUrl, events: ['message.received'] });
    if (created.status !== 201) throw new Error(`could not create the endpoint: ${created.status} ${JSON.stringify(created.body)}`);
    // Committed message.received events: the moment each message is in its channel's history.
    gw.app.get(EventsService).subscribeCommitted({
      onEventsCommitted: (events) => {
        for (const event of events) {
          if (event.type !== 'message.received') continue;
          history.see(numberOf(textOf(event.payload), BENCH_TEXT_PREFIX));
          warmUpHistory.see(numberOf(textOf(event.payload), WARM_UP_TEXT_PREFIX));
        }
      },
    });
    const pairs: Array<{ contact: string; channelPhone: string }> = [];
    for (let c = 0; c < options.channels; c++) {
      const { phone } = await new ChannelClient(gw, key).paired(`inbound ${c}`, `+${nextPhone()}`);
      for (let k = 0; k < options.contacts; k++) {
        const contact = nextPhone();
        await sim.createPhone(contact, { pushName: `Contact ${k}` });
        pairs.push({ contact, channelPhone: phone.replace(/\D/g, '') });
      }
    }
    process.stderr.write(`${options.channels} channels paired, ${pairs.length} contacts; sending ${total} messages\n`);

    // Warm-up, not counted: the same load for a few seconds, its first messages one from each contact. A
    // contact's first message to a channel sets up their Signal session (a pre-key message: key agreement, the
    // used pre-key deleted), several times the work of the messages after it; measured without a warm-up, those
    // first half-second's messages left a backlog that took the gateway ten seconds to work off, which made the
    // run's p99. The seconds after them warm the rest (code compiled, connections and statements ready).
    const warmUpRun = {
      controlUrl: simulator.controlUrl,
      prefix: WARM_UP_TEXT_PREFIX,
      pairs,
      rate: options.rate,
      waitSeconds: options.wait,
    };
    const warmUpMessages = Math.max(pairs.length, Math.round(options.rate * options.warmUp));
    const warmUpSent = await load.run({ ...warmUpRun, total: warmUpMessages });
    await until(() => warmUpHistory.first.size >= warmUpMessages, options.wait);
    const warmUp = {
      messages: warmUpMessages,
      in_history: latency(warmUpSent.sentAt, warmUpHistory.first, 0),
      webhook: latency(warmUpSent.sentAt, new Map(warmUpSent.webhooks), warmUpSent.webhookDuplicates),
    };

    const queriesBefore = queries;
    const cpuBefore = process.cpuUsage();
    const machine = measureMachineCpu(simulator.child.pid, load.pid);
    const sent = await profiled(textOption('profile'), async () => {
      const figures = await load.run({ ...warmUpRun, prefix: BENCH_TEXT_PREFIX, total });
      // the history is seen before the webhooks, but it gets the same wait
      await until(() => history.first.size >= total, options.wait);
      return figures;
    });
    const cpu = process.cpuUsage(cpuBefore);
    const machineCpu = machine?.stop();
    const { sentAt, sendErrors } = sent;
    const stored = await db.prisma.$queryRaw<Array<{ text: string; copies: number }>>`
      SELECT content->>'text' AS text, count(*)::int AS copies FROM messages
      WHERE direction = 'inbound' AND content->>'text' LIKE ${`${BENCH_TEXT_PREFIX}%`} GROUP BY 1`;
    const storedDuplicates = stored.reduce((sum, row) => sum + row.copies - 1, 0);
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
      messages: total,
      send_errors: sendErrors.length,
      warm_up: warmUp,
      in_history: { ...latency(sentAt, history.first, storedDuplicates), stored: stored.length },
      webhook: latency(sentAt, new Map(sent.webhooks), sent.webhookDuplicates),
      by_window: {
        seconds: WINDOW_SECONDS,
        in_history: byWindow(sentAt, history.first, WINDOW_SECONDS * options.rate),
        webhook: byWindow(sentAt, new Map(sent.webhooks), WINDOW_SECONDS * options.rate),
      },
      queries_per_message: Number(((queries - queriesBefore) / total).toFixed(2)),
      cpu_ms_per_message: Number(((cpu.user + cpu.system) / 1000 / total).toFixed(2)),
      machine_cpu_ms_per_message: machineCpu && perMessage(machineCpu, total),
      machine_busy_share: machineCpu?.busyShare,
    };
    const dir = path.resolve(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'inbound.json'), `${JSON.stringify(result, null, 2)}\n`);
    const row = (name: string, l: Latency) =>
      `| ${name} | ${l.received}/${l.received + l.lost} | ${l.lost} | ${l.duplicates} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} |`;
    const markdown = [
      '# Inbound benchmark',
      '',
      `${result.date} — ${result.machine.cpus} × ${result.machine.cpu}, ${result.machine.memory_gb} GB, Node ${result.machine.node}; ` +
        `load average ${result.machine.load_average_1m} at the end; one gateway process, PostgreSQL and Redis on the same machine, ` +
        'the simulator in its own process (SANDBOX_URL), and the load (the sends asked of the simulator, the webhook receiver) in another; ' +
        `the webhook and message settings are a deployment's defaults (webhook sweeps every ${timings.webhooks.sweepIntervalMs / 1000} s, ` +
        `message sweeps every ${timings.messages.sweepIntervalMs / 1000} s, ${timings.webhooks.concurrency} webhook workers, ${timings.webhooks.endpointConcurrency} of them for one endpoint while others wait).`,
      '',
      `${total} text messages from ${options.channels * options.contacts} simulated contacts to ${options.channels} sandbox channels ` +
        `(${options.contacts} contacts each), ${options.rate} messages/s in total for ${options.seconds} s, each sent at its slot ` +
        'whatever the gateway does. Latency from the benchmark asking the simulator to send a message to: its commit in the channel’s history ' +
        '(the message and its message.received event are one transaction), and its message.received webhook reaching the ' +
        `receiver (one endpoint). ${result.send_errors} sends failed in the simulator. Lost: not seen within ${options.wait} s ` +
        'of the last send (a backlog still draining counts as lost); duplicated: seen ' +
        'more than once (in history: extra rows in the database). ' +
        `Before them, not counted, a warm-up of ${warmUp.messages} messages at the same rate, the first ${pairs.length} one from each contact: ` +
        'the first message of a contact to a channel sets up their Signal session (a pre-key message, several times the work of a later one); ' +
        'its figures are the last two rows.',
      '',
      '| Measured to | Received | Lost | Duplicated | p50 ms | p90 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|---|---|',
      row('in history (committed)', result.in_history),
      row('message.received webhook received', result.webhook),
      row('warm-up, not counted: in history', warmUp.in_history),
      row('warm-up, not counted: webhook received', warmUp.webhook),
      '',
      `By ${WINDOW_SECONDS} s of the run (messages sent in it), p50 / p99 ms:`,
      '',
      `| Measured to | ${result.by_window.in_history.map((_, k) => `${k * WINDOW_SECONDS}–${(k + 1) * WINDOW_SECONDS} s`).join(' | ')} |`,
      `|---|${result.by_window.in_history.map(() => '---|').join('')}`,
      `| in history | ${result.by_window.in_history.map((w) => `${w.p50} / ${w.p99}`).join(' | ')} |`,
      `| webhook received | ${result.by_window.webhook.map((w) => `${w.p50} / ${w.p99}`).join(' | ')} |`,
      '',
      `SQL statements per message (BEGIN/COMMIT included, webhook delivery included): ${result.queries_per_message}; ` +
        `CPU of the gateway’s process per message: ${result.cpu_ms_per_message} ms. Goal: p99 ≤ 150 ms.`,
      '',
      ...(result.machine_cpu_ms_per_message
        ? [
            `The machine’s CPU per message, from the first send until every message was seen (/proc): ${describePerMessage(result.machine_cpu_ms_per_message)}. ` +
              `The machine was busy ${Math.round(100 * result.machine_busy_share!)} % of that window; its ${result.machine.cpus} cores give ` +
              `${Number(((result.machine.cpus * 1000) / options.rate).toFixed(2))} ms per message at ${options.rate} messages/s, all parts together.`,
            '',
          ]
        : []),
      'Where the time goes: see inbound-profile.md (CPU profile, `--profile`).',
      '',
      'Reproduce: `npm run bench:inbound` (PostgreSQL and Redis on 127.0.0.1).',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'inbound.md'), markdown);
    process.stdout.write(markdown);
  } finally {
    await gw.close();
    load.stop();
    await simulator.stop();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
