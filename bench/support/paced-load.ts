import { fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

export interface PacedLoadOptions {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Requests a second, each sent at its own time (1 / rate apart), whether or not earlier ones were answered. */
  rate: number;
  seconds: number;
  /**
   * Seconds at the same rate before the measured ones, their requests sent but not counted: a fresh load process
   * starts with cold code and no open connections, which made its first few hundred milliseconds slow against any
   * server (the bare route's p99 included).
   */
  warmupSeconds?: number;
  /** Most requests in flight at once (keep-alive sockets); past it requests wait for a socket, which counts. */
  connections: number;
}

export interface PacedLoadFigures {
  offered_per_second: number;
  sent: number;
  answered_2xx: number;
  other_statuses: number;
  errors: number;
  /** Answered a second, from the first request's time to the last answer. */
  answered_per_second: number;
  /** From when each request was due to its answer, so a stall delays the requests due during it too. */
  latency_ms: { p50: number; p99: number; max: number };
}

/**
 * An open-loop load: requests leave on a fixed schedule, and each one's latency runs from the time it was due,
 * not the time it could leave. A closed loop (autocannon's connections, each waiting for its answer) measures
 * its own queue: at 50 connections the latency is 50 requests' worth of service time whatever the server does.
 * autocannon's `overallRate` is no help either: each connection spends its budget for the second at once, then
 * waits for the next second, so the load comes in bursts. Here the load runs in this process; see
 * `pacedLoadFromOwnProcess` for a load that does not share the server's event loop.
 */
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(options.url);
  const warmup = Math.round(options.rate * (options.warmupSeconds ?? 1));
  const total = warmup + Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  let answered2xx = 0;
  let otherStatuses = 0;
  let errors = 0;
  let lastAnswerAt = 0;
  const scheduleStart = performance.now();
  const started = scheduleStart + (warmup * 1000) / options.rate;
  const send = (dueAt: number, counted: boolean) =>
    new Promise<void>((resolve) => {
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: options.method ?? 'POST',
          headers: options.headers,
          agent,
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            if (!counted) return resolve();
            lastAnswerAt = performance.now();
            latencies.push(lastAnswerAt - dueAt);
            if (response.statusCode! >= 200 && response.statusCode! < 300) answered2xx++;
            else otherStatuses++;
            resolve();
          });
        },
      );
      request.on('error', () => {
        if (counted) errors++;
        resolve();
      });
      request.end(options.body);
    });
  const inFlight: Array<Promise<void>> = [];
  for (let n = 0; n < total; n++) {
    const dueAt = scheduleStart + (n * 1000) / options.rate;
    const wait = dueAt - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(dueAt, n >= warmup));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (share: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))] ?? 0).toFixed(1));
  return {
    offered_per_second: options.rate,
    sent: total - warmup,
    answered_2xx: answered2xx,
    other_statuses: otherStatuses,
    errors,
    answered_per_second: Number(((answered2xx + otherStatuses) / ((lastAnswerAt - started) / 1000)).toFixed(1)),
    latency_ms: { p50: at(0.5), p99: at(0.99), max: Number((latencies.at(-1) ?? 0).toFixed(1)) },
  };
}

/**
 * `pacedLoad` run by a process of its own, so that the server's latency does not include the client's work on
 * the same event loop (each request's sending and reading, and the timers of the schedule): under the load the
 * two would take turns on one thread, and a request due while the thread served the other side would wait for
 * it. They still share the machine's cores, as a client on the same host does.
 */
export function pacedLoadFromOwnProcess(options: PacedLoadOptions): Promise<PacedLoadFigures> {
  const child = fork(path.join(__dirname, 'paced-load-process.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, SWC_NODE_SOURCE_MAP_MODE: 'inline' },
  });
  return new Promise<PacedLoadFigures>((resolve, reject) => {
    child.once('message', (figures) => resolve(figures as PacedLoadFigures));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the paced load's process ended (code ${code}) without its figures`)));
    child.send(options);
  });
}
