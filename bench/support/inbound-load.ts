import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { RemoteSimulator } from '../../src/simulator/control/remote-simulator';
import { forkBenchProcess } from './bench-process';

/**
 * The inbound benchmark's load, in a process of its own: it asks the simulator to send each message at its slot
 * and runs the webhook receiver. Both are the benchmark's work, not the gateway's; in the gateway's process they
 * took a sixth of its CPU (the simulator's control calls alone 11 % of the samples) on the one event loop whose
 * saturation the benchmark is there to show.
 */

/** The texts of the measured messages start with this; those of the warm-up with `WARM_UP_TEXT_PREFIX`. */
export const BENCH_TEXT_PREFIX = 'inbound ';
export const WARM_UP_TEXT_PREFIX = 'warm-up ';

/** The number of a message from its text when the text starts with `prefix`, or undefined. */
export function numberOf(text: unknown, prefix: string): number | undefined {
  return typeof text === 'string' && text.startsWith(prefix) ? Number(text.slice(prefix.length)) : undefined;
}

/** The text of a message event's payload. */
export function textOf(payload: Record<string, unknown>): unknown {
  return (payload.message as { text?: unknown } | undefined)?.text;
}

/** Milliseconds since the epoch, to the microsecond: comparable between the benchmark's processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** First time each message number was seen (epochNow), and how many times it was seen again. */
export class Arrivals {
  readonly first = new Map<number, number>();
  duplicates = 0;

  see(n: number | undefined): void {
    if (n === undefined) return;
    if (this.first.has(n)) this.duplicates += 1;
    else this.first.set(n, epochNow());
  }
}

export interface InboundLoadRun {
  controlUrl: string;
  /** Message n's text is `${prefix}${n}`. */
  prefix: string;
  /** Message n goes from pairs[n % pairs.length].contact to its channel's phone. */
  pairs: Array<{ contact: string; channelPhone: string }>;
  rate: number;
  total: number;
  /** How long to wait after the last send for every webhook. */
  waitSeconds: number;
}

export interface InboundLoadFigures {
  /** When each message was asked of the simulator (epochNow). */
  sentAt: number[];
  /** The first arrival of each message's webhook: [number, epochNow]. */
  webhooks: Array<[number, number]>;
  webhookDuplicates: number;
  sendErrors: string[];
}

type FromLoad = { receiverUrl: string } | { figures: InboundLoadFigures } | { failed: string };

/** The load's process, started with its receiver listening; `run` sends the messages and collects the webhooks. */
export async function startInboundLoad(): Promise<{
  receiverUrl: string;
  pid: number;
  run(run: InboundLoadRun): Promise<InboundLoadFigures>;
  stop(): void;
}> {
  const { child, next, ask } = forkBenchProcess<FromLoad>(path.join(__dirname, 'inbound-load-process.ts'), 'the inbound load');
  const ready = await next();
  if (!('receiverUrl' in ready)) throw new Error(`the inbound load's process did not start: ${JSON.stringify(ready)}`);
  return {
    receiverUrl: ready.receiverUrl,
    pid: child.pid!,
    run: async (run) => {
      const result = await ask(run);
      if (!('figures' in result)) throw new Error(`unexpected answer from the inbound load: ${JSON.stringify(result)}`);
      return result.figures;
    },
    stop: () => void child.kill(),
  };
}

/** In the load's process: the receiver, then a run each time one is asked for. */
export async function serveInboundLoad(send: (message: FromLoad) => void): Promise<(run: InboundLoadRun) => Promise<void>> {
  let current: { prefix: string; webhooks: Arrivals } | undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; payload: Record<string, unknown> };
      if (body.event === 'message.received' && current) current.webhooks.see(numberOf(textOf(body.payload), current.prefix));
      response.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  send({ receiverUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbound` });

  return async ({ controlUrl, prefix, pairs, rate, total, waitSeconds }) => {
    const webhooks = new Arrivals();
    current = { prefix, webhooks };
    const sim = await RemoteSimulator.connect(controlUrl);
    const sentAt = new Array<number>(total);
    const sendErrors: string[] = [];
    const sends: Array<Promise<unknown>> = [];
    const started = performance.now();
    for (let n = 0; n < total; n++) {
      const wait = started + (n / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const { contact, channelPhone } = pairs[n % pairs.length];
      sentAt[n] = epochNow();
      sends.push(
        sim.send(contact, channelPhone, { type: 'text', text: `${prefix}${n}` }).catch((error: Error) => sendErrors.push(error.message)),
      );
    }
    await Promise.all(sends);
    const deadline = Date.now() + waitSeconds * 1000;
    while (webhooks.first.size < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    // a little longer for late duplicates
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await sim.close();
    send({ figures: { sentAt, webhooks: [...webhooks.first], webhookDuplicates: webhooks.duplicates, sendErrors } });
  };
}
