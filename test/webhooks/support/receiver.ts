import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { envelopeProblems } from '../../support/event-payloads';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: {
    id: string;
    event: string;
    attempt: number;
    channel_id: string | null;
    customer_id: string;
    payload: Record<string, unknown>;
    [key: string]: unknown;
  };
  receivedAt: number;
}

/** What the receiver answers to the nth request (0-based): a status code, or 'drop' to cut the connection. */
export type Responder = (request: Received, index: number) => number | 'drop';

/**
 * A webhook receiver on 127.0.0.1 that records every request with its raw body, and checks every body against
 * the envelope and payload schema of its event type: `close()` fails with what did not match.
 */
export class Receiver {
  readonly received: Received[] = [];
  /** Bodies that do not match their event type's schema, readable. */
  readonly problems: string[] = [];
  respond: Responder = () => 200;

  private constructor(private readonly server: http.Server) {}

  static async start(respond?: Responder): Promise<Receiver> {
    const server = http.createServer();
    const receiver = new Receiver(server);
    if (respond) receiver.respond = respond;
    server.keepAliveTimeout = 1_000;
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: Received['body'];
        try {
          body = JSON.parse(rawBody) as Received['body'];
        } catch {
          body = {} as Received['body'];
        }
        const entry: Received = { path: request.url ?? '/', headers: request.headers, rawBody, body, receivedAt: Date.now() };
        const index = receiver.received.length;
        receiver.received.push(entry);
        receiver.problems.push(...envelopeProblems(body).map((problem) => `${entry.path} ${body.id}: ${problem}`));
        const answer = receiver.respond(entry, index);
        if (answer === 'drop') {
          request.socket.destroy();
          return;
        }
        response.writeHead(answer, { 'Content-Type': 'text/plain' }).end(answer >= 400 ? `status ${answer}` : 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests for one path (one endpoint). */
  at(path: string): Received[] {
    return this.received.filter((entry) => entry.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.problems.length > 0) throw new Error(`webhook bodies that do not match their schema:\n${this.problems.join('\n')}`);
  }
}

/** Polls until `check` returns a value other than undefined/false, or fails after the deadline. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what} not reached within ${timeoutMs} ms${last ? `: ${last instanceof Error ? String(last) : JSON.stringify(last)}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
