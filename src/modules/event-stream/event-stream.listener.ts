import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { REDIS } from '../../platform/redis/redis-connection';
import { DomainEvent } from '../events/domain-event';
import { EventsService } from '../events/events.service';

/** What a committed event tells the streams: enough to decide whether to read the log, not the event itself. */
export interface EventNotice {
  customerId: string;
  channelId: string | null;
  mode: 'live' | 'test' | null;
  seq: bigint;
}

export interface StreamWaker {
  /** Whether the stream shows this event (its customer, its mode, its channel). */
  concerns(notice: EventNotice): boolean;
  wake(): void;
}

/** Safety net for a lost notice (Redis down, a producer that never reported its commit): one query per process. */
const CATCH_UP_MS = 5_000;

/**
 * The one source of wake-ups for every event stream of this process, so that an idle stream costs no query:
 * events committed here are announced at once and published on Redis, where the other gateway processes hear
 * them. A stream reads the log only for a notice that concerns it. Should a notice be lost, a timer shared by
 * all streams compares the newest sequence number of the log with the newest one announced, and wakes every
 * stream when the log is ahead.
 *
 * A process alone on the channel does not publish: every commit of events (about one a sent message) would cost a
 * round trip to Redis, and the process would hear each notice back on its own subscription. It knows it is alone
 * when a notice reached no other subscriber (PUBLISH answers how many did), and stops being alone when another
 * process says hello on the channel, as each does once subscribed, or when the catch-up's check of the channel's
 * subscribers finds one (a hello lost to a reconnection).
 */
@Injectable()
export class EventStreamListener implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventStreamListener.name);
  private readonly origin = randomUUID();
  private readonly wakers = new Set<StreamWaker>();
  private readonly channel: string;
  private subscriber?: Redis;
  private catchUpTimer?: NodeJS.Timeout;
  private newestAnnounced?: bigint;
  /** Whether another process may hear notices; assumed until a notice reached no one. */
  private othersListen = true;
  /** Counts the hellos heard: a PUBLISH answered after one was heard may predate its sender's subscription. */
  private hellos = 0;
  /** Whether this process' own subscription is among the channel's subscribers Redis counts. */
  private subscribed = false;

  constructor(
    private readonly events: EventsService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = `${config.redisKeyPrefix}events:committed`;
  }

  onModuleInit(): void {
    this.events.subscribeCommitted({ onEventsCommitted: (events) => this.announceLocal(events) });
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.onMessage(message);
    });
    // On a reconnect ioredis subscribes again; what was published meanwhile is found by the catch-up.
    subscriber
      .subscribe(this.channel)
      .then(() => {
        this.subscribed = true;
        return this.redis.publish(this.channel, JSON.stringify({ origin: this.origin, hello: true }));
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'cannot subscribe to event notices; streams rely on the catch-up'));
    this.subscriber = subscriber;
    this.catchUpTimer = setInterval(() => void this.catchUp(), CATCH_UP_MS);
    this.catchUpTimer.unref();
  }

  /** The catch-up's starting point; until it is known, the first catch-up wakes every stream once. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const newest = await this.events.newestSeq();
      if (this.newestAnnounced === undefined || newest > this.newestAnnounced) this.newestAnnounced = newest;
    } catch (error) {
      this.logger.warn({ err: error }, 'cannot read the newest event; the first catch-up wakes every stream');
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.catchUpTimer);
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  add(waker: StreamWaker): void {
    this.wakers.add(waker);
  }

  remove(waker: StreamWaker): void {
    this.wakers.delete(waker);
  }

  private announceLocal(events: DomainEvent[]): void {
    const notices = events.map((event) => ({
      customerId: event.customerId,
      channelId: event.channelId,
      mode: event.mode ?? null,
      seq: event.seq,
    }));
    notices.forEach((notice) => this.announce(notice));
    if (!this.othersListen) return;
    const message = JSON.stringify({
      origin: this.origin,
      notices: notices.map((notice) => ({ c: notice.customerId, ch: notice.channelId, m: notice.mode, s: String(notice.seq) })),
    });
    // Read before sending: a subscription that completes while the PUBLISH is under way may or may not be counted.
    const hellos = this.hellos;
    const own = this.subscribed ? 1 : 0;
    this.redis.publish(this.channel, message).then(
      (receivers) => {
        if (receivers - own <= 0 && this.hellos === hellos) this.othersListen = false;
      },
      () => undefined,
    );
  }

  /** Whether a subscriber other than this process' own listens on the channel (asked of Redis). */
  private async askWhetherOthersListen(): Promise<void> {
    const hellos = this.hellos;
    const own = this.subscribed ? 1 : 0;
    const [, subscribers] = (await this.redis.pubsub('NUMSUB', this.channel)) as [string, number];
    if (this.hellos === hellos) this.othersListen = Number(subscribers) - own > 0;
  }

  private onMessage(message: string): void {
    try {
      const parsed = JSON.parse(message) as {
        origin: string;
        hello?: true;
        notices?: Array<{ c: string; ch: string | null; m: 'live' | 'test' | null; s: string }>;
      };
      if (parsed.origin === this.origin) return;
      if (parsed.hello) {
        this.hellos++;
        this.othersListen = true;
        return;
      }
      for (const n of parsed.notices ?? []) this.announce({ customerId: n.c, channelId: n.ch, mode: n.m, seq: BigInt(n.s) });
    } catch (error) {
      this.logger.warn({ err: error }, 'an unreadable event notice was ignored');
    }
  }

  private announce(notice: EventNotice): void {
    if (this.newestAnnounced === undefined || notice.seq > this.newestAnnounced) this.newestAnnounced = notice.seq;
    for (const waker of this.wakers) if (waker.concerns(notice)) waker.wake();
  }

  private async catchUp(): Promise<void> {
    if (!this.othersListen) {
      await this.askWhetherOthersListen().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'cannot count the listeners of event notices; the next catch-up asks again'),
      );
    }
    if (this.wakers.size === 0) return;
    try {
      const newest = await this.events.newestSeq();
      const known = this.newestAnnounced;
      if (known !== undefined && newest <= known) return;
      this.newestAnnounced = newest;
      this.wakers.forEach((waker) => waker.wake());
    } catch (error) {
      this.logger.warn({ err: error }, 'event stream catch-up failed; the next one retries');
    }
  }
}
