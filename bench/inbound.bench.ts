/**
 * Inbound benchmark: simulated contacts write to `--channels` sandbox channels of one gateway, `--rate`
 * messages a second in total (open loop: each message leaves at its slot, whatever the gateway does) for
 * `--seconds`. For every message, from the benchmark asking the simulator to send it to (a) the gateway
 * committing it to the channel's history (the message.received event is written in the same transaction as the message, so its
 * commit notice is the moment the message is readable through the API) and (b) its message.received
 * webhook reaching a receiver. Lost and duplicated messages are counted in the history (database) and at
 * the receiver. The gateway and the receiver share one process; the simulator runs in its own (SANDBOX_URL).
 * Needs PostgreSQL and Redis on 127.0.0.1, like the integration tests. Writes bench/results/inbound.{json,md}.
 *
 *   npm run bench:inbound [-- --channels 20 --contacts 5 --rate 200 --seconds 30 --wait 120 --profile inbound.cpuprofile]
 *
 * `--contacts` is per channel. `--profile <file>` writes a CPU profile of the run (open it in Chrome's DevTools).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EventsService } from '../src/modules/events/events.service';
import { ChannelClient } from '../test/support/channels';
import { createTestDatabase } from '../test/support/database';
import { TestGateway } from '../test/support/gateway';
import { bearer } from '../test/support/http';
import { describePerMessage, measureMachineCpu, perMessage } from './support/machine-cpu';
import { startSimulatorProcess } from './support/simulator-process';
import { option, profiled, textOption } from './support/bench-run';

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

const PREFIX = 'inbound ';
/** The number of a bench message from its text, or undefined for anything else. */
function numberOf(text: unknown): number | undefined {
  return typeof text === 'string' && text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : undefined;
}

function textOf(payload: Record<string, unknown>): unknown {
  return (payload.message as { text?: unknown } | undefined)?.text;
}

/** First time each message number was seen, and how many times it was seen again. */
class Arrivals {
  readonly first = new Map<number, number>();
  duplicates = 0;

  see(n: number | undefined): void {
    if (n === undefined) return;
    if (this.first.has(n)) this.duplicates += 1;
    else this.first.set(n, performance.now());
  }
}

async function startReceiver(arrivals: Arrivals) {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; payload: Record<string, unknown> };
      if (body.event === 'message.received') arrivals.see(numberOf(textOf(body.payload)));
      response.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbound`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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

function latency(sentAt: number[], arrivals: Arrivals, duplicates: number): Latency {
  const values = [...arrivals.first.entries()].map(([n, at]) => at - sentAt[n]).sort((a, b) => a - b);
  return {
    received: arrivals.first.size,
    lost: sentAt.length - arrivals.first.size,
    duplicates,
    p50: Math.round(percentile(values, 50)),
    p90: Math.round(percentile(values, 90)),
    p99: Math.round(percentile(values, 99)),
    max: Math.round(values[values.length - 1] ?? NaN),
  };
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
  const options = {
    channels: option('channels', 20),
    contacts: option('contacts', 5),
    rate: option('rate', 200),
    seconds: option('seconds', 30),
    /** How long to wait, after the last send, for every message to be seen. */
    wait: option('wait', 120),
  };
  const total = Math.round(options.rate * options.seconds);
  const db = await createTestDatabase();
  const simulator = await startSimulatorProcess();
  const { sim } = simulator;
  const history = new Arrivals();
  const webhooks = new Arrivals();
  const receiver = await startReceiver(webhooks);
  const gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'], sandboxUrl: simulator.controlUrl });
  try {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const created = await gw.http
      .post('/v1/webhooks')
      .set(bearer(key))
      .send({ url: receiver.url, events: ['message.received'] });
    if (created.status !== 201) throw new Error(`could not create the endpoint: ${created.status} ${JSON.stringify(created.body)}`);
    // Committed message.received events: the moment each message is in its channel's history.
    gw.app.get(EventsService).subscribeCommitted({
      onEventsCommitted: (events) => {
        for (const event of events) if (event.type === 'message.received') history.see(numberOf(textOf(event.payload)));
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

    const sentAt = new Array<number>(total);
    const queriesBefore = queries;
    const cpuBefore = process.cpuUsage();
    const machine = measureMachineCpu(simulator.child.pid);
    const sendErrors: string[] = [];
    await profiled(textOption('profile'), async () => {
      const started = performance.now();
      const sends: Array<Promise<unknown>> = [];
      for (let n = 0; n < total; n++) {
        const wait = started + (n / options.rate) * 1000 - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const { contact, channelPhone } = pairs[n % pairs.length];
        sentAt[n] = performance.now();
        sends.push(
          sim.send(contact, channelPhone, { type: 'text', text: `${PREFIX}${n}` }).catch((error: Error) => sendErrors.push(error.message)),
        );
      }
      await Promise.all(sends);
      const deadline = Date.now() + options.wait * 1000;
      while ((history.first.size < total || webhooks.first.size < total) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    const cpu = process.cpuUsage(cpuBefore);
    const machineCpu = machine?.stop();
    // A little longer for late duplicates, then the history as the database holds it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stored = await db.prisma.$queryRaw<Array<{ text: string; copies: number }>>`
      SELECT content->>'text' AS text, count(*)::int AS copies FROM messages
      WHERE direction = 'inbound' AND content->>'text' LIKE ${`${PREFIX}%`} GROUP BY 1`;
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
      in_history: { ...latency(sentAt, history, storedDuplicates), stored: stored.length },
      webhook: latency(sentAt, webhooks, webhooks.duplicates),
      queries_per_message: Number(((queries - queriesBefore) / total).toFixed(2)),
      cpu_ms_per_message: Number(((cpu.user + cpu.system) / 1000 / total).toFixed(2)),
      machine_cpu_ms_per_message: machineCpu && perMessage(machineCpu, total),
      machine_busy_share: machineCpu?.busyShare,
    };
    const dir = path.resolve(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'inbound.json'), `${JSON.stringify(result, null, 2)}\n`);
    const row = (name: string, l: Latency) =>
      `| ${name} | ${l.received}/${total} | ${l.lost} | ${l.duplicates} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} |`;
    const markdown = [
      '# Inbound benchmark',
      '',
      `${result.date} — ${result.machine.cpus} × ${result.machine.cpu}, ${result.machine.memory_gb} GB, Node ${result.machine.node}; ` +
        `load average ${result.machine.load_average_1m} at the end; one gateway process, PostgreSQL and Redis on the same machine, ` +
        'the simulator in its own process (SANDBOX_URL), the webhook receiver in the gateway’s process.',
      '',
      `${total} text messages from ${options.channels * options.contacts} simulated contacts to ${options.channels} sandbox channels ` +
        `(${options.contacts} contacts each), ${options.rate} messages/s in total for ${options.seconds} s, each sent at its slot ` +
        'whatever the gateway does. Latency from the benchmark asking the simulator to send a message to: its commit in the channel’s history ' +
        '(the message and its message.received event are one transaction), and its message.received webhook reaching the ' +
        `receiver (one endpoint). ${result.send_errors} sends failed in the simulator. Lost: not seen within ${options.wait} s ` +
        'of the last send (a backlog still draining counts as lost); duplicated: seen ' +
        'more than once (in history: extra rows in the database).',
      '',
      '| Measured to | Received | Lost | Duplicated | p50 ms | p90 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|---|---|',
      row('in history (committed)', result.in_history),
      row('message.received webhook received', result.webhook),
      '',
      `SQL statements per message (BEGIN/COMMIT included, webhook delivery included): ${result.queries_per_message}; ` +
        `CPU of the gateway’s process per message (the receiver included, the simulator not): ${result.cpu_ms_per_message} ms. Goal: p99 ≤ 150 ms.`,
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
    await receiver.close();
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
