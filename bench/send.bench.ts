/**
 * Send benchmark: one connected sandbox channel, a key on the 'unlimited' plan, autocannon on
 * POST /v1/channels/{id}/messages with text bodies; then the time until the simulated contact received every
 * accepted message. Twice: with the process sending what it accepts meanwhile (one process doing it all), and
 * with sending held (the queue and its worker paused, as in a process of the API role, whose workers run elsewhere) and
 * released after. The same load on a bare NestJS route answering 202 gives the HTTP stack's ceiling.
 * Needs PostgreSQL and Redis on 127.0.0.1, like the integration tests. Writes bench/results/send.{json,md}.
 *
 *   npm run bench:send [-- --duration 20 --rounds 4 --paced-seconds 5 --connections 50 --profile accepting.cpuprofile]
 *
 * `--profile <file>` writes a CPU profile of the first slice of the accepting-alone phase (open it in Chrome's
 * DevTools).
 */
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { assertDeploymentNodeFlags, profiled, textOption } from './support/bench-run';
import { pacedLoadFromOwnProcess, type PacedLoadFigures } from './support/paced-load';
import { startSimulatorProcess } from './support/simulator-process';
import { OutboundMessageProcessor } from '../src/modules/messages/outbound-message.processor';
import { QUEUES } from '../src/platform/queues/queue-names';
import { ChannelClient } from '../test/support/channels';
import { createTestDatabase } from '../test/support/database';
import { TestGateway, testConfig } from '../test/support/gateway';

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; average: number; max: number };
  statusCodeStats?: Record<string, { count: number }>;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
// autocannon ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

/**
 * Paced loads at these shares of the bare route's rate; the goal is a 202 with p99 within 25 ms at a quarter of
 * it, and the lower shares show where the gateway stands when it misses.
 */
const PACED_SHARES = [0.1, 0.15, 0.2, 0.25];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

@Controller()
class BareController {
  @Post('bare')
  @HttpCode(202)
  accept() {
    return { message_id: 'msg_bare', client_ref: null, status: 'queued' };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

/** What one load on the gateway's route did. */
function loadFigures(result: AutocannonResult, accepted: number) {
  return {
    requests: result.requests.total,
    accepted,
    refused: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    accepted_per_second: Number((accepted / result.duration).toFixed(1)),
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}

async function load(
  url: string,
  body: string,
  headers: Record<string, string>,
  duration: number,
  connections: number,
  overallRate?: number,
) {
  return autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    duration,
    connections,
    ...(overallRate ? { overallRate } : {}),
  });
}

type Sliced = { result: AutocannonResult; cpuMs: number };

/** Slices of one load, as one: totals summed; latency the median of the slices' p50 and the highest p99 and max. */
function combined(slices: Sliced[], acceptedOf: (result: AutocannonResult) => number) {
  const sum = (of: (slice: Sliced) => number) => slices.reduce((total, slice) => total + of(slice), 0);
  const p50s = slices.map(({ result }) => result.latency.p50).sort((a, b) => a - b);
  return {
    requests: sum(({ result }) => result.requests.total),
    accepted: sum(({ result }) => acceptedOf(result)),
    refused: sum(({ result }) => result.non2xx),
    errors: sum(({ result }) => result.errors),
    duration: sum(({ result }) => result.duration),
    cpuMs: sum(({ cpuMs }) => cpuMs),
    latency: {
      p50: p50s[Math.floor(p50s.length / 2)],
      p99: Math.max(...slices.map(({ result }) => result.latency.p99)),
      max: Math.max(...slices.map(({ result }) => result.latency.max)),
    },
  };
}

/** What `work` returned, and the CPU time this process spent meanwhile (server and load generator alike). */
async function withCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(before);
  return { result, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function main(): Promise<void> {
  assertDeploymentNodeFlags();
  const duration = option('duration', 20);
  const connections = option('connections', 50);
  const rounds = option('rounds', 4);
  const pacedSeconds = option('paced-seconds', 5);
  const db = await createTestDatabase();
  const simulator = await startSimulatorProcess();
  // The message sweeper as in production (MESSAGE_SWEEP_INTERVAL_MS' default, 10 s), not the tests' 500 ms: while
  // the queue is held, every sweep reads the oldest 500 queued messages and looks up their jobs, twice a second.
  const base = testConfig();
  fs.rmSync(base.dataDir, { recursive: true, force: true });
  const gw = await TestGateway.start(db.prisma, {
    sandboxUrl: simulator.controlUrl,
    messages: { ...base.messages, sweepIntervalMs: 10_000 },
  });
  const bare = await NestFactory.create(BareModule, { logger: false });
  try {
    await gw.app.listen(0, '127.0.0.1');
    await bare.listen(0, '127.0.0.1');
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const { id } = await new ChannelClient(gw, key).paired('bench', '+15559990001');
    const contact = '15559990002';
    await simulator.sim.createPhone(contact, { pushName: 'Bench' });
    let received = 0;
    let lastReceivedAt = 0;
    simulator.onMessage((m) => {
      if (m.to === contact) {
        received++;
        lastReceivedAt = Date.now();
      }
    });

    const gatewayUrl = `http://127.0.0.1:${((gw.app.getHttpServer() as Server).address() as AddressInfo).port}/v1/channels/${id}/messages`;
    const body = JSON.stringify({ type: 'text', to: `+${contact}`, text: 'benchmark message' });
    const untilReceived = async (count: number) => {
      const deadline = Date.now() + 600_000;
      while (received < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    const acceptedOf = (result: AutocannonResult) => result.statusCodeStats?.['202']?.count ?? result['2xx'];

    const started = Date.now();
    const sends = await load(gatewayUrl, body, { authorization: `Bearer ${key}` }, duration, connections);
    const loadEnded = Date.now();
    const accepted = acceptedOf(sends);
    await untilReceived(accepted);
    const receivedAlongside = received;
    const lastAlongsideAt = lastReceivedAt;

    // Accepting alone: no worker takes a job until the queue resumes, then everything accepted goes out. It and
    // the bare route take turns in short slices, so that both see the same machine: over a minute a shared VM's
    // speed drifts by a third, which measures one a minute after the other could not tell from a change.
    const queue = gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
    const bareUrl = `http://127.0.0.1:${((bare.getHttpServer() as Server).address() as AddressInfo).port}/bare`;
    const slice = duration / rounds;
    // The worker paused too: a paused worker starts no send at its acceptance (as no worker runs in a process of
    // the API role), so each accepted send is queued.
    const sendWorker = gw.app.get(OutboundMessageProcessor).worker;
    await queue.pause();
    await sendWorker.pause(true);
    received = 0;
    const heldSlices: Sliced[] = [];
    const bareSlices: Sliced[] = [];
    for (let round = 0; round < rounds; round++) {
      const accepting = () => withCpu(() => load(gatewayUrl, body, { authorization: `Bearer ${key}` }, slice, connections));
      // the profile, when asked for, is of the gateway's first slice alone
      heldSlices.push(await (round === 0 ? profiled(textOption('profile'), accepting) : accepting()));
      bareSlices.push(await withCpu(() => load(bareUrl, body, {}, slice, connections)));
    }
    const held = combined(heldSlices, acceptedOf);
    const ceiling = combined(bareSlices, acceptedOf);
    const acceptedHeld = held.accepted;
    // Paced at shares of the ceiling just measured: the latency a client sees at that rate, from an open loop,
    // rather than the queueing of a closed one.
    // The load from a process of its own, and the bare route at the same rate right after: the latency this
    // machine gives any route at that rate, beside the gateway's.
    const paced: Array<PacedLoadFigures & { share_of_bare: number; bare: PacedLoadFigures }> = [];
    for (const share of PACED_SHARES) {
      const rate = Math.round((ceiling.accepted / ceiling.duration) * share);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
      const gateway = await pacedLoadFromOwnProcess({ url: gatewayUrl, body, headers, rate, seconds: pacedSeconds, connections });
      const bareAtRate = await pacedLoadFromOwnProcess({ url: bareUrl, body, headers, rate, seconds: pacedSeconds, connections });
      paced.push({ share_of_bare: share, ...gateway, bare: bareAtRate });
    }
    await sendWorker.resume();
    await queue.resume();
    await untilReceived(acceptedHeld + paced.reduce((sum, load) => sum + load.answered_2xx, 0));

    const acceptedPerSecond = accepted / sends.duration;
    const acceptedHeldPerSecond = acceptedHeld / held.duration;
    const barePerSecond = ceiling.accepted / ceiling.duration;
    const heldCpuPerRequest = held.cpuMs / held.requests;
    const bareCpuPerRequest = ceiling.cpuMs / ceiling.requests;
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, load_average_1m: Number(os.loadavg()[0].toFixed(2)), node: process.version },
      duration_seconds: duration,
      connections,
      gateway: {
        ...loadFigures(sends, accepted),
        received_by_contact: receivedAlongside,
        all_received_seconds_after_load: receivedAlongside >= accepted ? Number(((lastAlongsideAt - loadEnded) / 1000).toFixed(2)) : null,
        all_received_seconds_from_start: receivedAlongside >= accepted ? Number(((lastAlongsideAt - started) / 1000).toFixed(2)) : null,
      },
      gateway_accepting_alone: {
        requests: held.requests,
        accepted: acceptedHeld,
        refused: held.refused,
        errors: held.errors,
        accepted_per_second: Number(acceptedHeldPerSecond.toFixed(1)),
        latency_ms: held.latency,
        received_by_contact_after_release: received,
        cpu_ms_per_request: Number(heldCpuPerRequest.toFixed(3)),
      },
      bare_nest_route: {
        requests_per_second: Number(barePerSecond.toFixed(1)),
        latency_ms: ceiling.latency,
        cpu_ms_per_request: Number(bareCpuPerRequest.toFixed(3)),
      },
      gateway_paced: paced,
      ratio_gateway_to_bare: Number((acceptedPerSecond / barePerSecond).toFixed(3)),
      ratio_accepting_alone_to_bare: Number((acceptedHeldPerSecond / barePerSecond).toFixed(3)),
      cpu_ratio_accepting_alone_to_bare: Number((bareCpuPerRequest / heldCpuPerRequest).toFixed(3)),
    };
    const dir = path.resolve(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'send.json'), `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(
      path.join(dir, 'send.md'),
      [
        `# Send benchmark (${result.date})`,
        '',
        `${result.machine.cpus} CPUs, load ${result.machine.load_average_1m}, Node ${result.machine.node}; ${duration} s of load, ${connections} connections, one sandbox channel, text messages to one contact. Accepting alone and the bare route took turns in ${rounds} slices of ${slice} s each; their latencies are the slices' medians of p50 and highest p99.`,
        '',
        '| | gateway, sending alongside | gateway, accepting alone | bare NestJS route (202) |',
        '|---|---|---|---|',
        `| requests/s accepted | ${result.gateway.accepted_per_second} | ${result.gateway_accepting_alone.accepted_per_second} | ${result.bare_nest_route.requests_per_second} |`,
        `| latency p50 / p99 (ms) | ${result.gateway.latency_ms.p50} / ${result.gateway.latency_ms.p99} | ${result.gateway_accepting_alone.latency_ms.p50} / ${result.gateway_accepting_alone.latency_ms.p99} | ${result.bare_nest_route.latency_ms.p50} / ${result.bare_nest_route.latency_ms.p99} |`,
        `| ratio to bare | ${result.ratio_gateway_to_bare} | ${result.ratio_accepting_alone_to_bare} | 1 |`,
        `| CPU ms per request (this process: server and load generator) | | ${result.gateway_accepting_alone.cpu_ms_per_request} | ${result.bare_nest_route.cpu_ms_per_request} |`,
        `| ratio to bare by CPU per request | | ${result.cpu_ratio_accepting_alone_to_bare} | 1 |`,
        '',
        `Paced (accepting alone; an open loop from a process of its own: each request leaves at its time, its latency counted from then; ${pacedSeconds} s each after 1 s at the same rate whose requests are not counted (the load process starts cold), at most ${connections} in flight; then the bare route at the same rate):`,
        '',
        '| Share of the bare rate | Offered/s | Answered/s | 202 | other / errors | p50 / p99 / max (ms) | bare route at that rate: p50 / p99 / max (ms) |',
        '|---|---|---|---|---|---|---|',
        ...paced.map(
          (load) =>
            `| ${load.share_of_bare} | ${load.offered_per_second} | ${load.answered_per_second} | ${load.answered_2xx} | ${load.other_statuses} / ${load.errors} | ${load.latency_ms.p50} / ${load.latency_ms.p99} / ${load.latency_ms.max} | ${load.bare.latency_ms.p50} / ${load.bare.latency_ms.p99} / ${load.bare.latency_ms.max} |`,
        ),
        '',
        `Sending alongside: accepted ${accepted} of ${sends.requests.total} requests (${sends.non2xx} refused, ${sends.errors} errors); the simulated contact received ${receivedAlongside}, ` +
          (result.gateway.all_received_seconds_after_load === null
            ? 'not all of them within 10 minutes.'
            : `the last one ${result.gateway.all_received_seconds_after_load} s after the load ended (${result.gateway.all_received_seconds_from_start} s after it started).`),
        'Rates swing with whatever else the machine runs; CPU time per request, measured in the same slices, is the steadier ratio.',
        `Accepting alone: accepted ${acceptedHeld} of ${held.requests} requests (${held.refused} refused, ${held.errors} errors); once sending resumed (after the paced load too), the contact received ${received}.`,
        '',
        'A request is answered once the message is stored and started or queued (`status: queued`; `Prefer: wait=<s>` would wait for the socket). Sending alongside, the same process sends what it accepted through Baileys, at once when a send slot is free and nothing waits in the queue (Signal encryption for the contact and the own devices): under closed-loop load both share its CPU. Accepting alone, the send queue and its worker are paused (no worker takes a job, no send starts at its acceptance), as in a process of the API role whose workers run elsewhere (`GATEWAY_ROLE`), and resumed after the load. The simulator, which decrypts every message, runs in its own process (SANDBOX_URL). The contact receives more than the accepted count because requests still in flight when the load stopped were accepted and sent too.',
        '',
        'Every `bench:*` script runs the TypeScript sources through `@swc-node/register` with `SWC_NODE_SOURCE_MAP_MODE=inline`: error stacks are not rewritten through source maps, as in the compiled build the Docker image runs (`node --max-semi-space-size=64 dist/src/main.js`), whose Node flags the bench scripts share. With the rewriting on (`npm start`), every stack Baileys captures (one per stanza it sends) costs far more.',
        '',
      ].join('\n'),
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await bare.close();
    await gw.close();
    await simulator.stop();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
