/**
 * Dispatch benchmark: how fast accepted messages leave, against the ceiling of bare Baileys sockets sending
 * the same text to the same kind of simulated contact in a loop, measured in the same run on the same
 * simulator. Two shapes: one channel, and `--channels` channels at once. The gateway's time runs from the
 * first request to the last message received by its contact; the requests are sent as fast as the API
 * accepts them, so the figure is the send path's, not the client's. The client and the simulator run in
 * processes of their own (the simulator as `npm run simulator`, reached through SANDBOX_URL), so neither its
 * requests nor the simulator's decryption share this process' event loop with the gateway and the bare sockets.
 * Needs PostgreSQL and Redis on 127.0.0.1, like the integration tests. Writes bench/results/dispatch.{json,md}.
 *
 *   npm run bench:dispatch [-- --messages 200 --channels 20 --per-channel 50] [-- --profile gateway.cpuprofile]
 *
 * `--profile <file>` writes a CPU profile of the one-channel gateway phase only, its channel already paired
 * (open it in Chrome's DevTools).
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { MediaClient, WhatsAppSimulator } from '../src/simulator';
import { ChannelClient } from '../test/support/channels';
import { createTestDatabase } from '../test/support/database';
import { TestGateway } from '../test/support/gateway';
import { TestClient } from '../test/simulator/support/client';
import { withSharedAsyncContext } from '../src/engine/baileys/shared-async-context';
import { type RemoteSimulatorApi, type SimulatorProcess, startSimulatorProcess } from './support/simulator-process';
import { assertDeploymentNodeFlags, option, profiled, textOption } from './support/bench-run';
import { describePerMessage, measureMachineCpu, perMessage } from './support/machine-cpu';
import { startSendLoad } from './support/send-load';
import { startLeastGateway } from './support/least-gateway';

type Simulator = RemoteSimulatorApi;

/**
 * A bare Baileys socket paired with a new phone of the remote simulator. Built like the gateway's sockets, over
 * the process' one shared AsyncLocalStorage: Baileys' own, one a socket and never released, would stay in this
 * process after the ceiling's runs and slow every `await` of the gateway's runs after them (on 20 channels the
 * gateway then took 10.2 ms of CPU a message instead of 7.3), and the ceiling's own runs with them.
 */
async function pairedClient(sim: Simulator, phone: string, pushName: string): Promise<TestClient> {
  await sim.createPhone(phone, { pushName });
  // TestClient takes what a socket needs from a simulator: its WebSocket URL and a media client (and, on close,
  // the phone's companions, to wait for the simulator's side: not needed here, the socket just ends)
  const reach = {
    createMediaClient: () => sim.createMediaClient(),
    companions: () => [],
    socketConfig: (media: MediaClient) => ({ waWebSocketUrl: sim.url, fetchAgent: media.agent, options: { dispatcher: media.dispatcher } }),
  } as unknown as WhatsAppSimulator;
  const client = new TestClient(reach);
  withSharedAsyncContext(() => client.connect());
  const { qr } = await client.waitForConnection((u) => !!u.qr);
  await sim.scanQr(phone, qr!);
  const code = await client.waitForClose();
  if (code !== 515) throw new Error(`expected a 515 restart after pairing, got ${code}`);
  withSharedAsyncContext(() => client.connect());
  await client.waitForReady();
  return client;
}

/** Counts what each simulated contact received, and resolves when every one has its expected count. */
class Receipts {
  private readonly counts = new Map<string, number>();
  constructor(simulator: SimulatorProcess) {
    simulator.onMessage(({ to }) => this.counts.set(to, (this.counts.get(to) ?? 0) + 1));
  }

  async all(expected: Map<string, number>, timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ([...expected].some(([to, n]) => (this.counts.get(to) ?? 0) < n)) {
      if (Date.now() > deadline) throw new Error('not every message arrived within the time limit');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

let phones = 0;
/** A fresh simulated number for each party of the run. */
function nextPhone(): string {
  phones++;
  return `1555873${String(phones).padStart(4, '0')}`;
}

interface Shape {
  channels: number;
  perChannel: number;
}

interface Figures {
  messages: number;
  seconds: number;
  messages_per_second: number;
  /** CPU time of this process (the gateway, or the bare sockets) per message: steadier than rates on a busy machine. */
  cpu_ms_per_message: number;
  /** The machine's CPU per message, part by part (this process counted as the gateway, bare sockets included; the gateway's API client as the load). */
  machine_cpu_ms_per_message?: ReturnType<typeof perMessage>;
  machine_busy_share?: number;
}

interface Clock {
  at: number;
  cpu: NodeJS.CpuUsage;
  machine: ReturnType<typeof measureMachineCpu>;
}

/** `loadPid`: the API client's process, when the run has one (the gateway's). */
function startClock(simulator: SimulatorProcess, loadPid?: number): Clock {
  return { at: Date.now(), cpu: process.cpuUsage(), machine: measureMachineCpu(simulator.child.pid, loadPid) };
}

function figures(messages: number, clock: Clock): Figures {
  const seconds = (Date.now() - clock.at) / 1000;
  const cpu = process.cpuUsage(clock.cpu);
  const machine = clock.machine?.stop();
  return {
    messages,
    seconds: Number(seconds.toFixed(2)),
    messages_per_second: Number((messages / seconds).toFixed(1)),
    cpu_ms_per_message: Number(((cpu.user + cpu.system) / 1000 / messages).toFixed(2)),
    machine_cpu_ms_per_message: machine && perMessage(machine, messages),
    machine_busy_share: machine?.busyShare,
  };
}

/** A bare Baileys socket per sender of a shape, each paired with a new phone, and the contact it sends to. */
async function pairedSenders(sim: Simulator, shape: Shape, pushName: string): Promise<Array<{ client: TestClient; contact: string }>> {
  const pairs: Array<{ client: TestClient; contact: string }> = [];
  for (let i = 0; i < shape.channels; i++) {
    const contact = nextPhone();
    await sim.createPhone(contact, { pushName: 'Contact' });
    pairs.push({ client: await pairedClient(sim, nextPhone(), pushName), contact });
  }
  return pairs;
}

/** The ceiling: a bare Baileys socket per sender, each awaiting its sends one after another. */
async function bare(simulator: SimulatorProcess, receipts: Receipts, shape: Shape): Promise<Figures> {
  const pairs = await pairedSenders(simulator.sim, shape, 'Bare');
  try {
    const expected = new Map(pairs.map(({ contact }) => [contact, shape.perChannel]));
    const started = startClock(simulator);
    await Promise.all(
      pairs.map(async ({ client, contact }) => {
        for (let n = 0; n < shape.perChannel; n++) await client.sock.sendMessage(`${contact}@s.whatsapp.net`, { text: `bare ${n}` });
      }),
    );
    await receipts.all(expected);
    return figures(shape.channels * shape.perChannel, started);
  } finally {
    for (const { client } of pairs) await client.close();
  }
}

/**
 * The second reference: the least a gateway that keeps its sends does (least-gateway.ts: one INSERT before the
 * 202, one UPDATE once sent), over bare sockets, posted to by the same API client as the gateway. What separates
 * it from the ceiling is the cost of an API and of keeping a send at all; what separates the gateway from it is
 * the gateway's own.
 */
async function leastGateway(simulator: SimulatorProcess, receipts: Receipts, shape: Shape, databaseUrl: string): Promise<Figures> {
  const pairs = await pairedSenders(simulator.sim, shape, 'Least');
  const channels = pairs.map(({ contact }, i) => ({ id: `least-${i}`, contact }));
  const server = await startLeastGateway(databaseUrl, new Map(pairs.map(({ client }, i) => [`least-${i}`, client])));
  const load = await startSendLoad();
  try {
    const expected = new Map(pairs.map(({ contact }) => [contact, shape.perChannel]));
    const started = startClock(simulator, load.pid);
    await load.run({ url: server.url, key: 'none', channels, perChannel: shape.perChannel, lanesPerChannel: 10 });
    await receipts.all(expected);
    const result = figures(shape.channels * shape.perChannel, started);
    await server.settled();
    return result;
  } finally {
    load.stop();
    await server.close();
    for (const { client } of pairs) await client.close();
  }
}

/** The gateway: sandbox channels, every message accepted by the API and sent by the channel's worker. */
type GatewayChannels = Array<{ id: string; contact: string }>;

/** The gateway's channels for a shape, paired: before the clock and the profile start. */
async function pairedChannels(gw: TestGateway, sim: Simulator, key: string, shape: Shape): Promise<GatewayChannels> {
  const channels: GatewayChannels = [];
  for (let i = 0; i < shape.channels; i++) {
    const contact = nextPhone();
    await sim.createPhone(contact, { pushName: 'Contact' });
    const { id } = await new ChannelClient(gw, key).paired(`dispatch ${i}`, `+${nextPhone()}`);
    channels.push({ id, contact });
  }
  return channels;
}

async function gateway(
  simulator: SimulatorProcess,
  gw: TestGateway,
  receipts: Receipts,
  key: string,
  shape: Shape,
  channels: GatewayChannels,
): Promise<Figures & { accept_seconds: number }> {
  const expected = new Map(channels.map(({ contact }) => [contact, shape.perChannel]));
  // The API client runs in a process of its own, started before the clock, so that this process (where the
  // gateway runs) does only the gateway's work, as it would with its clients elsewhere.
  const load = await startSendLoad();
  try {
    const { port } = (gw.app.getHttpServer() as Server).address() as AddressInfo;
    const started = startClock(simulator, load.pid);
    // ten requests in flight per channel: enough to keep every channel's queue full
    await load.run({ url: `http://127.0.0.1:${port}`, key, channels, perChannel: shape.perChannel, lanesPerChannel: 10 });
    const accepted = Date.now();
    await receipts.all(expected);
    return { ...figures(shape.channels * shape.perChannel, started), accept_seconds: Number(((accepted - started.at) / 1000).toFixed(2)) };
  } finally {
    load.stop();
  }
}

/** The machine's CPU per message, part by part, for each run: the budget the ceiling and the gateway share. */
function machineRows(output: {
  one_channel: Record<'bare' | 'least' | 'gateway', Figures>;
  many_channels: Record<'bare' | 'least' | 'gateway', Figures>;
}): string[] {
  const runs = [
    ['one channel, bare', output.one_channel.bare],
    ['one channel, least persisting server', output.one_channel.least],
    ['one channel, gateway', output.one_channel.gateway],
    ['many channels, bare', output.many_channels.bare],
    ['many channels, least persisting server', output.many_channels.least],
    ['many channels, gateway', output.many_channels.gateway],
  ] as const;
  if (runs.some(([, figures]) => !figures.machine_cpu_ms_per_message)) return [];
  return [
    'The machine’s CPU per message, part by part, from /proc (the benchmark’s process counts as the gateway, bare sockets and the least persisting server included; the API client, in a process of its own, as the benchmark’s load):',
    '',
    ...runs.map(
      ([name, figures]) =>
        `- ${name}: ${describePerMessage(figures.machine_cpu_ms_per_message!)}; the machine busy ${Math.round(100 * figures.machine_busy_share!)} % of the run.`,
    ),
    '',
  ];
}

async function main(): Promise<void> {
  assertDeploymentNodeFlags();
  const single: Shape = { channels: 1, perChannel: option('messages', 200) };
  const many: Shape = { channels: option('channels', 20), perChannel: option('per-channel', 50) };
  const db = await createTestDatabase();
  const simulator = await startSimulatorProcess();
  const { sim, controlUrl } = simulator;
  const receipts = new Receipts(simulator);
  const gw = await TestGateway.start(db.prisma, { sandboxUrl: controlUrl });
  await gw.app.listen(0, '127.0.0.1');
  try {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, load_average_1m_before: Number(os.loadavg()[0].toFixed(2)) },
      one_channel: {
        bare: await bare(simulator, receipts, single),
        least: await leastGateway(simulator, receipts, single, db.url),
        // paired first: the profile is of the sends alone, not of the pairing's pre-key generation
        gateway: await pairedChannels(gw, sim, key, single).then((channels) =>
          profiled(textOption('profile'), () => gateway(simulator, gw, receipts, key, single, channels)),
        ),
      },
      many_channels: {
        bare: await bare(simulator, receipts, many),
        least: await leastGateway(simulator, receipts, many, db.url),
        gateway: await pairedChannels(gw, sim, key, many).then((channels) => gateway(simulator, gw, receipts, key, many, channels)),
      },
      load_average_1m_after: Number(os.loadavg()[0].toFixed(2)),
    };
    const ratio = (shape: { bare: Figures }, to: Figures) => Number((to.messages_per_second / shape.bare.messages_per_second).toFixed(3));
    const output = {
      ...results,
      ratios: {
        one_channel: ratio(results.one_channel, results.one_channel.gateway),
        many_channels: ratio(results.many_channels, results.many_channels.gateway),
      },
      least_gateway_ratios: {
        one_channel: ratio(results.one_channel, results.one_channel.least),
        many_channels: ratio(results.many_channels, results.many_channels.least),
      },
    };
    const dir = path.resolve(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'dispatch.json'), `${JSON.stringify(output, null, 2)}\n`);
    const row = (
      name: string,
      shape: { bare: Figures; least: Figures; gateway: Figures & { accept_seconds: number } },
      r: number,
      least: number,
    ) =>
      `| ${name} | ${shape.bare.messages} | ${shape.bare.messages_per_second} | ${shape.least.messages_per_second} (${least}) | ${shape.gateway.messages_per_second} (accepted in ${shape.gateway.accept_seconds} s) | ${r} | ${shape.bare.cpu_ms_per_message} / ${shape.least.cpu_ms_per_message} / ${shape.gateway.cpu_ms_per_message} |`;
    fs.writeFileSync(
      path.join(dir, 'dispatch.md'),
      [
        `# Dispatch benchmark (${output.date})`,
        '',
        `${output.machine.cpus} CPUs, Node ${output.machine.node}, load average ${output.machine.load_average_1m_before} before and ${output.load_average_1m_after} after; the simulator runs in its own process (SANDBOX_URL), for the ceiling and the gateway alike; CPU ms per message are this process' (the gateway, or the bare sockets); the gateway's API client runs in a process of its own.`,
        '',
        '| Shape | Messages | Bare Baileys, messages/s (ceiling) | Least persisting server, messages/s (ratio) | Gateway, messages/s | Ratio | CPU ms per message, bare / least / gateway |',
        '|---|---|---|---|---|---|---|',
        row('one channel', output.one_channel, output.ratios.one_channel, output.least_gateway_ratios.one_channel),
        row(`${many.channels} channels`, output.many_channels, output.ratios.many_channels, output.least_gateway_ratios.many_channels),
        '',
        'Gateway: from the first `POST …/messages` to the last message received by the simulated contact. Bare: a socket per sender awaiting `sendMessage` in a loop, to the last message received. Least persisting server: the least a gateway that keeps its sends does (bench/support/least-gateway.ts: a plain `node:http` server over bare sockets, an INSERT before its 202 and an UPDATE once sent, each statement taking every send that came while the one before ran, posted to by the same API client), as a second reference: the gap between it and the ceiling is what an API that stores its sends costs at the least on this machine.',
        '',
        ...machineRows(output),
      ].join('\n'),
    );
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } finally {
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
