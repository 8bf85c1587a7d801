import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { settlesWithin } from '../../platform/async';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { AccountsService } from '../accounts/accounts.service';
import { MediaLinks } from '../media/media-links';
import { DomainEvent } from '../events/domain-event';
import { EventNotice, EventStreamListener, StreamWaker } from './event-stream.listener';
import { EventStreamSlots } from './event-stream.slots';
import { EventsService } from '../events/events.service';

const KEEPALIVE_MS = 15_000;
const BATCH = 200;
const RETRY_MS = 2_000;
/** How often the keys of open streams are checked for revocation and expiry: one query per process. */
const KEY_CHECK_MS = 2_000;
/** How long the shutdown waits for ended streams to finish their last log query. */
const DRAIN_MS = 2_000;
const SHUTDOWN_NOTE = ': server shutting down; reconnect with Last-Event-ID to resume\n\n';

export interface StreamFilter {
  customerId: string;
  apiKeyId: string;
  mode: 'live' | 'test';
  channelId?: string;
  after?: bigint;
}

interface OpenStream {
  apiKeyId: string;
  /** Writes the shutdown note and ends the response. */
  end(): void;
  /** Tells the client its key can no longer be used, and ends the response. */
  endForKey(code: 'auth_invalid' | 'auth_expired'): void;
  /** Settles when the stream's loop has left (no query of the log in flight any more). */
  done: Promise<void>;
}

/**
 * Server-Sent Events over the domain event log. Each stream replays from its resume point, then follows: it
 * reads the log again only when the process' one listener (EventStreamListener) reports an event it shows, of its
 * customer, its key's mode and its channel. An idle stream costs no query.
 *
 * A key holds at most SSE_MAX_STREAMS_PER_KEY streams, over every gateway process (EventStreamSlots). The keys
 * of open streams are re-checked every few seconds, all in one query: a stream whose key was revoked or has
 * expired ends with a `stream.ended` event naming the code a new request would get (`auth_invalid`,
 * `auth_expired`).
 *
 * Streams never end by themselves, and Nest's shutdown closes the HTTP server, which waits for every open
 * response. So the streams are ended when the shutdown begins (module destroy, the first hook), with a note
 * and the `retry` the stream opened with: EventSource clients reconnect, with Last-Event-ID, to whichever
 * process serves next. Streams asked for once the shutdown has begun are answered the same way at once.
 */
@Injectable()
export class EventStreamService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventStreamService.name);
  private readonly streams = new Set<OpenStream>();
  private keyCheckTimer?: NodeJS.Timeout;
  private checkingKeys = false;
  private stopping = false;

  constructor(
    private readonly events: EventsService,
    private readonly listener: EventStreamListener,
    private readonly accounts: AccountsService,
    private readonly slots: EventStreamSlots,
    private readonly mediaLinks: MediaLinks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.keyCheckTimer = setInterval(() => void this.checkKeys(), KEY_CHECK_MS);
    this.keyCheckTimer.unref();
  }

  onModuleDestroy(): void {
    this.stopping = true;
    clearInterval(this.keyCheckTimer);
    this.streams.forEach((stream) => stream.end());
  }

  /** Runs before the HTTP server closes: no stream may still be open then, nor querying a closing database. */
  async beforeApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    await settlesWithin(Promise.allSettled([...this.streams].map((stream) => stream.done)), DRAIN_MS);
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

  async open(request: Request, response: Response, filter: StreamFilter): Promise<void> {
    if (this.stopping) return endForShutdown(response);
    const slot = await this.slots.acquire(filter.apiKeyId, this.config.sseMaxStreamsPerKey);
    if (!slot) {
      const limit = this.config.sseMaxStreamsPerKey;
      throw new AppError('rate_limited', `This key already has ${limit} event streams open, the most it may hold at once.`, {
        headers: { 'Retry-After': '1' },
        details: { limit },
      });
    }
    const releaseSlot = () => slot.release();
    const scope = { customerId: filter.customerId, mode: filter.mode, channelId: filter.channelId };

    let closed = false;
    // Set by every wake, cleared before each read: a wake that arrives during a read is not lost.
    let woken: boolean;
    let pending: (() => void) | null = null;
    let left!: () => void;
    const waker: StreamWaker = {
      concerns: (notice) => concerns(scope, notice),
      wake: () => {
        woken = true;
        pending?.();
      },
    };
    const finish = (last: string) => {
      if (closed) return;
      closed = true;
      waker.wake();
      if (!response.writableEnded && response.headersSent) response.end(last);
    };
    const stream: OpenStream = {
      apiKeyId: filter.apiKeyId,
      end: () => finish(SHUTDOWN_NOTE),
      endForKey: (code) => finish(keyEndedNote(code)),
      done: new Promise<void>((resolve) => (left = resolve)),
    };
    // Registered before the first read, so that no event committed meanwhile goes unnoticed.
    this.listener.add(waker);
    this.streams.add(stream);
    const onClose = () => {
      closed = true;
      releaseSlot();
      waker.wake();
    };
    request.on('close', onClose);
    response.on('close', onClose);
    // A client gone while the slot was being taken has closed already: its events will not fire again.
    if (response.destroyed || request.socket?.destroyed) onClose();
    let keepalive: NodeJS.Timeout | undefined;

    try {
      // Without a resume point a stream starts now: only events committed after it opens.
      let cursor = filter.after ?? (await this.events.latestSeq(scope));
      if (this.stopping) return endForShutdown(response);
      if (closed) return;
      writeHead(response);
      response.write(`: stream open after ${cursor}\n\n`);
      keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
      while (!closed) {
        woken = false;
        const batch = await this.events.listAfter({ ...scope, afterSeq: cursor, take: BATCH });
        if (closed) break;
        for (const event of batch) {
          response.write(format(event, this.mediaLinks));
          cursor = event.seq;
        }
        if (batch.length === BATCH || woken) continue;
        await new Promise<void>((resolve) => (pending = resolve));
        pending = null;
      }
    } finally {
      clearInterval(keepalive);
      this.listener.remove(waker);
      this.streams.delete(stream);
      releaseSlot();
      if (!response.writableEnded) response.end();
      left();
    }
  }

  /** Ends the streams of keys revoked or expired since they opened. */
  private async checkKeys(): Promise<void> {
    if (this.checkingKeys || this.streams.size === 0) return;
    this.checkingKeys = true;
    try {
      const unusable = await this.accounts.unusableKeys([...new Set([...this.streams].map((stream) => stream.apiKeyId))]);
      if (unusable.size === 0) return;
      for (const stream of this.streams) {
        const code = unusable.get(stream.apiKeyId);
        if (code) stream.endForKey(code);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'checking the keys of open event streams failed; the next check retries');
    } finally {
      this.checkingKeys = false;
    }
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

/** Whether a stream of this scope shows the event: its customer, its mode (or no mode), its channel if it has one. */
function concerns(scope: { customerId: string; mode: 'live' | 'test'; channelId?: string }, notice: EventNotice): boolean {
  if (notice.customerId !== scope.customerId) return false;
  if (notice.mode !== null && notice.mode !== scope.mode) return false;
  return scope.channelId === undefined || notice.channelId === scope.channelId;
}

/**
 * The last words of a stream whose key can no longer be used: an event without an id (the client's
 * Last-Event-ID stays the last event it was sent), with the code a new request with this key gets.
 */
function keyEndedNote(code: 'auth_invalid' | 'auth_expired'): string {
  const reason = code === 'auth_invalid' ? 'the API key was revoked' : 'the API key expired';
  return `: ${reason}; stream closed\nevent: stream.ended\ndata: ${JSON.stringify({ reason: code, message: `This stream ended: ${reason}.` })}\n\n`;
}

function format(event: DomainEvent, mediaLinks: MediaLinks): string {
  const data = {
    id: event.id,
    type: event.type,
    channel_id: event.channelId,
    created_at: event.occurredAt.toISOString(),
    // The request that caused the event, as webhooks carry it in X-WhatIsUp-Correlation-Id.
    correlation_id: event.correlationId ?? null,
    // Signed media links are minted as the event is written, so a replay hours later carries working ones.
    payload: mediaLinks.inPayload(event.type, event.payload),
  };
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}
