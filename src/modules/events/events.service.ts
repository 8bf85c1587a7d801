import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { newId } from '../../platform/ids';
import { DomainEvent, DomainEventInput, DomainEventType } from './domain-event';
import { EVENT_PAYLOADS } from './event-payloads';
import { EventFilter, EventsRepository } from './events.repository';

/** Runs inside the producer's transaction: what it writes commits or rolls back with the event (outbox). */
export interface TransactionalEventSubscriber {
  onEventInTransaction(tx: Prisma.TransactionClient, event: DomainEvent): Promise<void>;
}

/** Runs after the commit: hand-off to queues and live streams. Must not throw; failures are recovered by sweeps. */
export interface CommittedEventSubscriber {
  onEventsCommitted(events: DomainEvent[]): Promise<void> | void;
}

/**
 * The one way state changes become events. Producers call `publishInTransaction` inside the transaction
 * that changes state, then `committed` once it has committed; or `publish` for an event on its own.
 */
@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);
  private readonly transactional: TransactionalEventSubscriber[] = [];
  private readonly committedSubscribers: CommittedEventSubscriber[] = [];

  constructor(
    private readonly events: EventsRepository,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
  ) {}

  subscribeInTransaction(subscriber: TransactionalEventSubscriber): void {
    this.transactional.push(subscriber);
  }

  subscribeCommitted(subscriber: CommittedEventSubscriber): void {
    this.committedSubscribers.push(subscriber);
  }

  /** `payload` is typed by `type` (event-payloads.ts): a producer cannot publish another shape. */
  async publishInTransaction<T extends DomainEventType>(tx: Prisma.TransactionClient, typed: DomainEventInput<T>): Promise<DomainEvent> {
    const input = typed as DomainEventInput; // a generic union does not narrow; it was checked at the call site
    this.checkPayload(input);
    const event = await this.events.insert(tx, newId('evt'), input);
    for (const subscriber of this.transactional) await subscriber.onEventInTransaction(tx, event);
    return event;
  }

  async committed(events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const subscriber of this.committedSubscribers) {
      try {
        await subscriber.onEventsCommitted(events);
      } catch (error) {
        this.logger.error({ err: error }, 'a committed-event subscriber failed; its sweep will catch up');
      }
    }
  }

  async publish<T extends DomainEventType>(input: DomainEventInput<T>): Promise<DomainEvent> {
    const event = await this.prisma.$transaction((tx) => this.publishInTransaction(tx, input));
    await this.committed([event]);
    return event;
  }

  /**
   * A payload the types allowed but its schema refuses (a value out of range, a cast somewhere) is a bug: logged,
   * never thrown, since the state change the event records must not be rolled back over it.
   */
  private checkPayload(input: DomainEventInput): void {
    const schema = EVENT_PAYLOADS[input.type];
    const result = schema?.safeParse(input.payload);
    if (result && !result.success) {
      this.logger.error({ event_type: input.type, issues: result.error.issues }, 'an event payload does not match its schema');
    }
  }

  latestSeq(filter: EventFilter): Promise<bigint> {
    return this.events.latestSeq(filter);
  }

  listAfter(args: EventFilter & { afterSeq: bigint; take: number }): Promise<DomainEvent[]> {
    return this.events.listAfter(args);
  }

  newestSeq(): Promise<bigint> {
    return this.events.newestSeq();
  }
}
