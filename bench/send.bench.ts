/**
 * Send benchmark: one connected sandbox channel, a key on the 'unlimited' plan, autocannon on
 * POST /v1/channels/{id}/messages with text bodies; then the time until the simulated contact received every
 * accepted message. Twice: with the process sending what it accepts meanwhile (one process doing it all), and
 * with sending held (the queue paused, as in a process of the API role, whose workers run elsewhere) and
 * released after. The same load on a bare NestJS route answering 202 gives the HTTP stack's ceiling.
 * Needs PostgreSQL and Redis on 127.0.0.1, like the integration tests. Writes bench/results/send.{json,md}.
 *
 *   npm run bench:send [-- --duration 20 --connections 50 --profile accepting.cpuprofile]
 *
 * `--profile <file>` writes a CPU profile of the accepting-alone phase (open it in Chrome's DevTools).
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
import { profiled, textOption } from './support/bench-run';
import { startSimulatorProcess } from './support/simulator-process';
import { QUEUES } from '../src/platform/queues/queue-names';
import { ChannelClient } from '../test/support/channels';
import { createTestDatabase } from '../test/support/database';
import { TestGateway } from '../test/support/gateway';

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

async function load(url: string, body: string, headers: Record<string, string>, duration: number, connections: number) {
  return autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, duration, connections });
}

/** What `work` returned, and the CPU time this process spent meanwhile (server and load generator alike). */
async function withCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(before);
  return { result, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function main(): Promise<void> {
  const duration = option('duration', 20);
  const connections = option('connections', 50);
  const db = await createTestDatabase();
  const simulator = await startSimulatorProcess();
  const gw = await TestGateway.start(db.prisma, { sandboxUrl: simulator.controlUrl });
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

    // Accepting alone: no worker takes a job until the queue resumes, then everything accepted goes out.
    const queue = gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
    await queue.pause();
    received = 0;
    const { result: held, cpuMs: heldCpuMs } = await withCpu(() =>
      profiled(textOption('profile'), () => load(gatewayUrl, body, { authorization: `Bearer ${key}` }, duration, connections)),
    );
    const acceptedHeld = acceptedOf(held);
    await queue.resume();
    await untilReceived(acceptedHeld);

    const bareUrl = `http://127.0.0.1:${((bare.getHttpServer() as Server).address() as AddressInfo).port}/bare`;
    const { result: ceiling, cpuMs: ceilingCpuMs } = await withCpu(() => load(bareUrl, body, {}, duration, connections));

    const acceptedPerSecond = accepted / sends.duration;
    const acceptedHeldPerSecond = acceptedHeld / held.duration;
    const barePerSecond = (ceiling.statusCodeStats?.['202']?.count ?? ceiling['2xx']) / ceiling.duration;
    const heldCpuPerRequest = heldCpuMs / held.requests.total;
    const bareCpuPerRequest = ceilingCpuMs / ceiling.requests.total;
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
        ...loadFigures(held, acceptedHeld),
        received_by_contact_after_release: received,
        cpu_ms_per_request: Number(heldCpuPerRequest.toFixed(3)),
      },
      bare_nest_route: {
        requests_per_second: Number(barePerSecond.toFixed(1)),
        latency_ms: { p50: ceiling.latency.p50, p99: ceiling.latency.p99, max: ceiling.latency.max },
        cpu_ms_per_request: Number(bareCpuPerRequest.toFixed(3)),
      },
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
        `${result.machine.cpus} CPUs, load ${result.machine.load_average_1m}, Node ${result.machine.node}; ${duration} s of load, ${connections} connections, one sandbox channel, text messages to one contact.`,
        '',
        '| | gateway, sending alongside | gateway, accepting alone | bare NestJS route (202) |',
        '|---|---|---|---|',
        `| requests/s accepted | ${result.gateway.accepted_per_second} | ${result.gateway_accepting_alone.accepted_per_second} | ${result.bare_nest_route.requests_per_second} |`,
        `| latency p50 / p99 (ms) | ${result.gateway.latency_ms.p50} / ${result.gateway.latency_ms.p99} | ${result.gateway_accepting_alone.latency_ms.p50} / ${result.gateway_accepting_alone.latency_ms.p99} | ${result.bare_nest_route.latency_ms.p50} / ${result.bare_nest_route.latency_ms.p99} |`,
        `| ratio to bare | ${result.ratio_gateway_to_bare} | ${result.ratio_accepting_alone_to_bare} | 1 |`,
        `| CPU ms per request (this process: server and load generator) | | ${result.gateway_accepting_alone.cpu_ms_per_request} | ${result.bare_nest_route.cpu_ms_per_request} |`,
        `| ratio to bare by CPU per request | | ${result.cpu_ratio_accepting_alone_to_bare} | 1 |`,
        '',
        `Sending alongside: accepted ${accepted} of ${sends.requests.total} requests (${sends.non2xx} refused, ${sends.errors} errors); the simulated contact received ${receivedAlongside}, ` +
          (result.gateway.all_received_seconds_after_load === null
            ? 'not all of them within 10 minutes.'
            : `the last one ${result.gateway.all_received_seconds_after_load} s after the load ended (${result.gateway.all_received_seconds_from_start} s after it started).`),
        'Rates swing with whatever else the machine runs, and the bare route is measured a minute after the gateway; CPU time per request, measured in the same runs, is the steadier ratio.',
        `Accepting alone: accepted ${acceptedHeld} of ${held.requests.total} requests (${held.non2xx} refused, ${held.errors} errors); once sending resumed, the contact received ${received}.`,
        '',
        'A request is answered once the message is stored and queued (`status: queued`; `Prefer: wait=<s>` would wait for the socket). Sending alongside, the same process sends what it accepted through Baileys (Signal encryption for the contact and the own devices): under closed-loop load both share its CPU. Accepting alone, the send queue is paused (no worker takes a job), as in a process of the API role whose workers run elsewhere (`GATEWAY_ROLE`), and resumed after the load. The simulator, which decrypts every message, runs in its own process (SANDBOX_URL). The contact receives more than the accepted count because requests still in flight when the load stopped were accepted and sent too.',
        '',
        'Every `bench:*` script runs the TypeScript sources through `@swc-node/register` with `SWC_NODE_SOURCE_MAP_MODE=inline`: error stacks are not rewritten through source maps, as in the compiled build the Docker image runs (`node dist/src/main.js`). With the rewriting on (`npm start`), every stack Baileys captures (one per stanza it sends) costs far more.',
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
