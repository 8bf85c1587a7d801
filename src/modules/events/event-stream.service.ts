import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from '../../platform/errors/app-error';
import { DomainEvent } from './domain-event';
import { EventsService } from './events.service';

const POLL_MS = 1_000;
const KEEPALIVE_MS = 15_000;
const BATCH = 200;

interface Subscriber {
  wake(): void;
}

/**
 * Server-Sent Events over the domain event log. Each stream replays from its resume point, then follows:
 * woken at once by events committed in this process, and polling the log for those of other processes.
 */
@Injectable()
export class EventStreamService implements OnModuleInit, OnApplicationShutdown {
  private readonly subscribers = new Set<Subscriber>();
  private readonly closers = new Set<() => void>();

  constructor(private readonly events: EventsService) {}

  onModuleInit(): void {
    this.events.subscribeCommitted({ onEventsCommitted: () => this.subscribers.forEach((s) => s.wake()) });
  }

  onApplicationShutdown(): void {
    this.closers.forEach((close) => close());
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
    // Without a resume point a stream starts now: only events committed after it opens.
    let cursor = filter.after ?? (await this.latestSeq(filter));
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write(`retry: 2000\n: stream open after ${cursor}\n\n`);

    let closed = false;
    let pending: (() => void) | null = null;
    const subscriber: Subscriber = { wake: () => pending?.() };
    const close = () => {
      closed = true;
      subscriber.wake();
      response.end();
    };
    this.subscribers.add(subscriber);
    this.closers.add(close);
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    request.on('close', () => {
      closed = true;
      subscriber.wake();
    });

    try {
      while (!closed) {
        const batch = await this.events.listAfter({ customerId: filter.customerId, channelId: filter.channelId, afterSeq: cursor, take: BATCH });
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
      this.closers.delete(close);
      if (!response.writableEnded) response.end();
    }
  }

  private async latestSeq(filter: { customerId: string; channelId?: string }): Promise<bigint> {
    return this.events.latestSeq(filter);
  }
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
