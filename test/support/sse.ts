import type { AddressInfo } from 'node:net';
import { payloadProblems } from './event-payloads';
import { TestGateway } from './gateway';

export interface SseEvent {
  id: string;
  event: string;
  data: { id: string; type: string; channel_id: string | null; correlation_id?: string | null; payload: Record<string, unknown> };
}

/**
 * A Server-Sent Events client over fetch: collects events, and waits for those a test expects. Every payload is
 * checked against its event type's schema: `close()` fails with what did not match.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  /** Payloads that do not match their event type's schema, readable. */
  readonly problems: string[] = [];
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  status = 0;
  /** The body of a refused stream (not 200): the error envelope. */
  refusal?: { error?: { code?: string } };
  /** Whether the server ended the stream. */
  ended = false;
  /** The `stream.ended` event the server closed the stream with, if any. */
  endedWith?: { reason: string; message: string };

  private constructor() {}

  static async open(gw: TestGateway, path: string, key: string, lastEventId?: string): Promise<SseClient> {
    const server = gw.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new SseClient();
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { Authorization: `Bearer ${key}`, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
      signal: client.abort.signal,
    });
    client.status = response.status;
    if (response.ok && response.body) void client.read(response.body);
    else client.refusal = (await response.json().catch(() => undefined)) as SseClient['refusal'];
    return client;
  }

  async waitFor(count: number, timeoutMs = 20_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.events.length} of ${count} events arrived: ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.events;
  }

  /** Waits for the server to end the stream. */
  async waitForEnd(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the stream is still open');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): void {
    this.abort.abort();
    if (this.problems.length > 0) throw new Error(`streamed payloads that do not match their schema:\n${this.problems.join('\n')}`);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            frame
              .split('\n')
              .filter((line) => line && !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
          );
          if (fields.event === 'stream.ended') {
            this.endedWith = JSON.parse(fields.data);
          } else if (fields.data) {
            const event: SseEvent = { id: fields.id, event: fields.event, data: JSON.parse(fields.data) };
            this.events.push(event);
            this.problems.push(...payloadProblems(event.event, event.data.payload).map((problem) => `${event.id}: ${problem}`));
            this.waiters.splice(0).forEach((wake) => wake());
          }
        }
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.waiters.splice(0).forEach((wake) => wake());
  }
}
