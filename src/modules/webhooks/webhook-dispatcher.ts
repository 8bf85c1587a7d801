import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { settlesWithin } from '../../platform/async';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import type { Prisma, Statement } from '../../platform/database';
import type { Transaction } from '../../platform/database/transactions';
import { newId, newIdBlock } from '../../platform/ids';
import { DeliverJobData, JOBS } from '../../platform/queues/jobs';
import { DomainEvent, DomainEventInput, isWebhookEventType } from '../events/domain-event';
import { CommittedEventSubscriber, EventsService, TransactionalEventSubscriber } from '../events/events.service';
import { WebhooksMetrics } from './webhooks.metrics';
import { CandidateEndpoint, laneOf, NewDelivery, QueuedDelivery, WebhooksRepository, wants, WrittenDelivery } from './webhooks.repository';

/** Where a first attempt can start at once, in the process that committed it (the delivery processor). */
export interface FirstAttemptHandOff {
  /** Starts it if a slot is free now, without waiting for it; false: queue it. */
  runNow(delivery: QueuedDelivery): boolean;
}

const SWEEP_BATCH = 1000;
/** How long a delivery must have been due before the sweeper queues it again. */
const SWEEP_GRACE_MS = 2_000;

/**
 * The outbox of webhook deliveries. Inside the producer's transaction it writes one delivery per enabled
 * endpoint that wants the event; after the commit it starts their first attempts at once where this process
 * has room (FirstAttemptHandOff) and queues the others. A sweeper, run by every process, queues deliveries that
 * are due but whose job is missing (a process stopped between commit and enqueue or during an attempt started
 * at once, a lost Redis write): jobs are deduplicated by id and attempts are claimed in the database, so
 * sweeping in several processes at once is harmless.
 */
@Injectable()
export class WebhookDispatcher
  implements
    TransactionalEventSubscriber<CandidateEndpoint>,
    CommittedEventSubscriber,
    OnModuleInit,
    OnApplicationBootstrap,
    OnModuleDestroy
{
  private readonly logger = new Logger(WebhookDispatcher.name);
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  /**
   * The deliveries each event's transaction wrote, for the hand-off after its commit: the queue gets them
   * without reading them back. An event this process did not write (none today) is read from the database.
   */
  private readonly written = new WeakMap<DomainEvent, WrittenDelivery[]>();
  private handOff?: FirstAttemptHandOff;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly events: EventsService,
    @InjectQueue(JOBS.deliver.queue) private readonly queue: Queue<DeliverJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: WebhooksMetrics,
  ) {}

  /** From then on, first attempts start at their commit when `handOff` has room for them, and are queued otherwise. */
  handFirstAttemptsTo(handOff: FirstAttemptHandOff): void {
    this.handOff = handOff;
  }

  onModuleInit(): void {
    this.events.subscribeInTransaction(this);
    this.events.subscribeCommitted(this);
  }

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.webhooks.sweepIntervalMs);
    this.sweepTimer.unref();
    void this.sweep();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    // A sweep stuck on an unreachable Redis must not hold the shutdown; what it did not queue, the next sweep will.
    await settlesWithin(this.sweeping, 2_000);
  }

  /** The endpoints that may want a unit of work's webhook events, read in the statement that writes the events. */
  readAlong(events: DomainEventInput[]): ((firstParameter: number) => Statement) | undefined {
    const webhookEvents = events.filter((event) => isWebhookEventType(event.type));
    if (webhookEvents.length === 0) return undefined;
    const customerIds = [...new Set(webhookEvents.map((event) => event.customerId))];
    const channelIds = [...new Set(webhookEvents.flatMap((event) => (event.channelId ? [event.channelId] : [])))];
    return (first) => this.repository.enabledEndpointsStatement({ customerIds, channelIds }, first);
  }

  /** With the endpoints read along, one insert for the deliveries of a whole unit of work's events. */
  async onEventsInTransaction(tx: Transaction, events: DomainEvent[], endpoints: CandidateEndpoint[]): Promise<void> {
    const webhookEvents = events.filter((event) => isWebhookEventType(event.type));
    if (webhookEvents.length === 0) return;
    const all: NewDelivery[] = [];
    for (const event of webhookEvents) {
      const deliveries = endpoints
        .filter((endpoint) => wants(endpoint, { ...event, mode: event.mode ?? null }))
        .map((endpoint) => ({
          id: newId('wevt'),
          endpointId: endpoint.id,
          customerId: event.customerId,
          channelId: event.channelId,
          domainEventId: event.id,
          eventType: event.type,
          payload: event.payload as Prisma.InputJsonValue,
          correlationId: event.correlationId ?? null,
        }));
      all.push(...deliveries);
    }
    const heldBehind = new Map((await this.repository.insertDeliveries(tx, all)).map((row) => [row.id, row.heldBehind]));
    for (const event of webhookEvents) {
      this.written.set(
        event,
        all
          .filter((delivery) => delivery.domainEventId === event.id)
          .map(({ id, endpointId }) => ({ id, endpointId, heldBehind: heldBehind.get(id) ?? null })),
      );
    }
  }

  /** The deliveries of a unit of work of one statement, written in it: ids from a block per webhook event. */
  writeAlong(events: Array<{ id: string; input: DomainEventInput }>): ((firstParameter: number) => Statement) | undefined {
    const eventIds = events.filter(({ input }) => isWebhookEventType(input.type)).map(({ id }) => id);
    if (eventIds.length === 0) return undefined;
    const blocks = { eventIds, heads: eventIds.map(() => newIdBlock('wevt')) };
    return (first) => this.repository.deliveriesAlongStatement(blocks, first);
  }

  onWrittenAlong(events: DomainEvent[], rows: object[]): void {
    const deliveries = rows as Array<WrittenDelivery & { domainEventId: string }>;
    for (const event of events.filter((e) => isWebhookEventType(e.type))) {
      this.written.set(
        event,
        deliveries
          .filter((delivery) => delivery.domainEventId === event.id)
          .map(({ id, endpointId, heldBehind }) => ({ id, endpointId, heldBehind }))
          .sort((a, b) => (a.id < b.id ? -1 : 1)),
      );
    }
  }

  async onEventsCommitted(events: DomainEvent[]): Promise<void> {
    const webhookEvents = events.filter((event) => isWebhookEventType(event.type));
    const unknown = webhookEvents.filter((event) => !this.written.has(event)).map((event) => event.id);
    // A new event's deliveries are new rows (one per endpoint, unique per event): none was attempted yet. Of
    // those that share a lane only the oldest is queued: the others cannot be claimed before its first attempt
    // ends, which wakes the next one (a job for each would only be a refused claim). Nor is that oldest one
    // when it was written held behind an older delivery of its lane, locked until the commit: that one's
    // attempt ends after the commit and wakes it (HELD_BEHIND_SQL).
    const heads = new Map<string, WrittenDelivery>();
    for (const event of webhookEvents) {
      for (const delivery of this.written.get(event) ?? []) {
        const lane = laneOf(delivery.endpointId, event.channelId);
        const head = heads.get(lane);
        if (!head || delivery.id < head.id) heads.set(lane, delivery);
      }
    }
    const deliveries: QueuedDelivery[] = [...heads.values()].filter((head) => head.heldBehind === null);
    if (unknown.length > 0) deliveries.push(...(await this.repository.unattemptedFor(unknown)));
    if (deliveries.length === 0) return;
    const queued = deliveries.sort((a, b) => (a.id < b.id ? -1 : 1)).filter((delivery) => !this.handOff?.runNow(delivery));
    this.metrics.firstAttempts.inc({ start: 'commit' }, deliveries.length - queued.length);
    if (queued.length === 0) return;
    this.metrics.firstAttempts.inc({ start: 'queue' }, queued.length);
    await this.enqueueFirstAttempts(queued);
  }

  enqueueFirstAttempts(deliveries: QueuedDelivery[]): Promise<unknown> {
    return this.queue.addBulk(
      deliveries.map(({ id, endpointId }) => ({
        name: JOBS.deliver.name,
        data: { deliveryId: id, attempt: 1, endpointId },
        opts: { ...JOBS.deliver.options, jobId: JOBS.deliver.jobId(id, 1) },
      })),
    );
  }

  /** A retry (or a replay): behind every first attempt waiting, see JOBS.deliver.retryPriority. */
  async enqueueAttempt(delivery: QueuedDelivery, attempt: number, delayMs = 0): Promise<void> {
    await this.queue.add(
      JOBS.deliver.name,
      { deliveryId: delivery.id, attempt, endpointId: delivery.endpointId },
      {
        ...JOBS.deliver.options,
        jobId: JOBS.deliver.jobId(delivery.id, attempt),
        delay: Math.max(0, delayMs),
        priority: JOBS.deliver.retryPriority,
      },
    );
  }

  /**
   * Queues the first attempt of a delivery that was held back behind `after` in its lane, now that `after`
   * has had its first attempt. The job id names both, so it is never swallowed by the held-back job itself
   * (which may still be finishing); a duplicate run is harmless, as attempts are claimed in the database.
   */
  async wake(delivery: QueuedDelivery, after: string): Promise<void> {
    const deliveryId = delivery.id;
    // LIFO: runs next rather than behind the backlog, which would make every step of a lane wait for it.
    await this.queue.add(
      JOBS.deliver.name,
      { deliveryId, attempt: 1, endpointId: delivery.endpointId },
      { ...JOBS.deliver.options, lifo: true, jobId: JOBS.deliver.wakeJobId(deliveryId, after) },
    );
  }

  /**
   * Queues due deliveries whose job may be missing: due for longer than a grace period, so the normal path
   * (commit, then enqueue) is not raced. One batch per tick, oldest first; a backlog drains in order.
   * Safe to run in any number of processes.
   */
  sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      try {
        const due = await this.repository.dueDeliveries(SWEEP_BATCH, SWEEP_GRACE_MS);
        if (due.length === 0) return;
        await this.queue.addBulk(
          due.map(({ id, attempts, endpointId }) => ({
            name: JOBS.deliver.name,
            data: { deliveryId: id, attempt: attempts + 1, endpointId },
            opts: {
              ...JOBS.deliver.options,
              jobId: JOBS.deliver.jobId(id, attempts + 1),
              ...(attempts > 0 ? { priority: JOBS.deliver.retryPriority } : {}),
            },
          })),
        );
      } catch (error) {
        this.logger.warn({ err: error }, 'webhook sweep failed; the next one retries');
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }
}
