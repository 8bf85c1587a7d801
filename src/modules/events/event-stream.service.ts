import { BeforeApplicationShutdown, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from '../../platform/errors/app-error';
import { DomainEvent } from './domain-event';
import { EventsService } from './events.service';

const POLL_MS = 1_000;
const KEEPALIVE_MS = 15_000;
const BATCH = 200;
const RETRY_MS = 2_000;
/** How long the shutdown waits for ended streams to finish their last log query. */
const DRAIN_MS = 2_000;
const SHUTDOWN_NOTE = ': server shutting down; reconnect with Last-Event-ID to resume\n\n';

interface Subscriber {
  wake(): void;
}

interface OpenStream {
  /** Writes the shutdown note and ends the response. */
  end(): void;
  /** Settles when the stream's loop has left (no query of the log in flight any more). */
  done: Promise<void>;
}

/**
 * Server-Sent Events over the domain event log. Each stream replays from its resume point, then follows:
 * woken at once by events committed in this process, and polling the log for those of other processes.
 *
 * Streams never end by themselves, and Nest's shutdown closes the HTTP server, which waits for every open
 * response. So the streams are ended when the shutdown begins (module destroy, the first hook), with a note
 * and the `retry` the stream opened with: EventSource clients reconnect, with Last-Event-ID, to whichever
 * process serves next. Streams asked for once the shutdown has begun are answered the same way at once.
 */
@Injectable()
export class EventStreamService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly subscribers = new Set<Subscriber>();
  private readonly streams = new Set<OpenStream>();
  private stopping = false;

  constructor(private readonly events: EventsService) {}

  onModuleInit(): void {
    this.events.subscribeCommitted({ onEventsCommitted: () => this.subscribers.forEach((s) => s.wake()) });
  }

  onModuleDestroy(): void {
    this.stopping = true;
    this.streams.forEach((stream) => stream.end());
  }

  /** Runs before the HTTP server closes: no stream may still be open then, nor querying a closing database. */
  async beforeApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    const done = Promise.allSettled([...this.streams].map((stream) => stream.done));
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
  }

  /** Last-Event-ID wins over ?after=; a header that is not one of our ids is invalid_request. */
  resumePoint(lastEventId: string | undefined, after: string | undefined): bigint | undefined {
    const raw = lastEventId ?? after;
    if (raw === undefined || raw === '') return undefined;
    if (!/^\d{1,19}$/.test(raw)) {
      throw new AppError('invalid_request', 'Last-Event-ID must be the id of an event this stream sent.', {
        details: { issues: [{ path: ['Last-Event-ID'], message: 'not an event id' }] },
      });
    }
    return BigInt(raw);
  }

  async open(request: Request, response: Response, filter: { customerId: string; channelId?: string; after?: bigint }): Promise<void> {
    if (this.stopping) return endForShutdown(response);
    // Without a resume point a stream starts now: only events committed after it opens.
    let cursor = filter.after ?? (await this.latestSeq(filter));
    if (this.stopping) return endForShutdown(response);
    writeHead(response);
    response.write(`: stream open after ${cursor}\n\n`);

    let closed = false;
    let pending: (() => void) | null = null;
    let left!: () => void;
    const subscriber: Subscriber = { wake: () => pending?.() };
    const stream: OpenStream = {
      end: () => {
        if (closed) return;
        closed = true;
        subscriber.wake();
        if (!response.writableEnded) response.end(SHUTDOWN_NOTE);
      },
      done: new Promise<void>((resolve) => (left = resolve)),
    };
    this.subscribers.add(subscriber);
    this.streams.add(stream);
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    request.on('close', () => {
      closed = true;
      subscriber.wake();
    });

    try {
      while (!closed) {
        const batch = await this.events.listAfter({ customerId: filter.customerId, channelId: filter.channelId, afterSeq: cursor, take: BATCH });
        if (closed) break;
        for (const event of batch) {
          response.write(format(event));
          cursor = event.seq;
        }
        if (batch.length === BATCH) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          pending = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        pending = null;
      }
    } finally {
      clearInterval(keepalive);
      this.subscribers.delete(subscriber);
      this.streams.delete(stream);
      if (!response.writableEnded) response.end();
      left();
    }
  }

  private async latestSeq(filter: { customerId: string; channelId?: string }): Promise<bigint> {
    return this.events.latestSeq(filter);
  }
}

function writeHead(response: Response, connection: 'keep-alive' | 'close' = 'keep-alive'): void {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('Connection', connection);
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  response.write(`retry: ${RETRY_MS}\n`);
}

/**
 * A stream asked for during the shutdown: a 200 that ends at once and closes its connection, so EventSource
 * retries, elsewhere (on a 503 it would give up for good).
 */
function endForShutdown(response: Response): void {
  writeHead(response, 'close');
  response.end(SHUTDOWN_NOTE);
}

function format(event: DomainEvent): string {
  const data = {
    id: event.id,
    type: event.type,
    channel_id: event.channelId,
    created_at: event.occurredAt.toISOString(),
    payload: event.payload,
  };
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}
