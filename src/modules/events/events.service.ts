import { Injectable, Logger } from '@nestjs/common';
import type { RidingStatement, Statement } from '../../platform/database';
import type { Transaction } from '../../platform/database/transactions';
import { DomainEvent, DomainEventInput } from './domain-event';
import { EventCatalogue } from './event-catalogue';
import { EventFilter, EventsRepository } from './events.repository';

/** Runs inside the producer's transaction: what it writes commits or rolls back with the event (outbox). */
export interface TransactionalEventSubscriber<Row extends object = object> {
  /**
   * What the subscriber reads for these events (a SELECT, its parameters numbered from `firstParameter`), run
   * in the statement that writes them: one round trip for both. Undefined: nothing to read for these.
   */
  readAlong?(events: DomainEventInput[]): ((firstParameter: number) => Statement) | undefined;
  /**
   * Every event of one unit of work at once, in publishing order, so a subscriber can write in bulk too; with
   * the rows of its `readAlong` (empty without one).
   */
  onEventsInTransaction(tx: Transaction, events: DomainEvent[], read: Row[]): Promise<void>;
  /**
   * What the subscriber writes for these events when their unit of work is one statement (`Outbox.runAsOne`): a
   * data-modifying statement with RETURNING, its parameters numbered from `firstParameter`, that reads the events
   * from the CTE `written` (domain_events' columns, `mode` as text). Undefined: nothing to write for these.
   */
  writeAlong(events: Array<{ id: string; input: DomainEventInput }>): ((firstParameter: number) => Statement) | undefined;
  /** The rows `writeAlong`'s statement returned, once it ran: before the committed subscribers hear of the events. */
  onWrittenAlong(events: DomainEvent[], rows: object[]): void;
}

/** Runs after the commit: hand-off to queues and live streams. Must not throw; failures are recovered by sweeps. */
export interface CommittedEventSubscriber {
  onEventsCommitted(events: DomainEvent[]): Promise<void> | void;
}

/**
 * The event log and its subscribers. State changes become events through the `Outbox` (outbox.ts), which
 * appends them here inside the producer's transaction and notifies committed subscribers after the commit.
 */
@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);
  private readonly transactional: TransactionalEventSubscriber[] = [];
  private readonly committedSubscribers: CommittedEventSubscriber[] = [];

  constructor(
    private readonly events: EventsRepository,
    private readonly catalogue: EventCatalogue,
  ) {}

  subscribeInTransaction(subscriber: TransactionalEventSubscriber): void {
    this.transactional.push(subscriber);
  }

  subscribeCommitted(subscriber: CommittedEventSubscriber): void {
    this.committedSubscribers.push(subscriber);
  }

  /**
   * For the outbox: writes a unit of work's events (one statement) and runs the transactional subscribers on
   * them, in the producer's transaction.
   */
  async appendInTransaction(tx: Transaction, events: Array<{ id: string; input: DomainEventInput }>): Promise<DomainEvent[]> {
    if (events.length === 0) return [];
    for (const { input } of events) this.checkPayload(input);
    const inputs = events.map((event) => event.input);
    const reads = this.transactional.map((subscriber) => subscriber.readAlong?.(inputs));
    const { written, readRows } = await this.events.insertMany(tx, events, reads);
    for (const [index, subscriber] of this.transactional.entries()) {
      await subscriber.onEventsInTransaction(tx, written, readRows[index]);
    }
    return written;
  }

  /**
   * For the outbox's units of one statement: `write`, and only if it returned a row, `riding`, the events and
   * what the transactional subscribers write for them (`writeAlong`), in one statement. Returns write's rows.
   * Events that name a `unit` are written only if `write` returned a row with that id (Outbox.runEachAsOne).
   */
  async writeAsOne<Row extends object>(
    write: Statement,
    riding: readonly RidingStatement[],
    events: Array<{ id: string; input: DomainEventInput; unit?: string }>,
  ): Promise<{ rows: Row[]; written: DomainEvent[] }> {
    for (const { input } of events) this.checkPayload(input);
    const alongs = events.length === 0 ? [] : this.transactional.map((subscriber) => subscriber.writeAlong(events));
    const { rows, written, alongRows } = await this.events.writeAsOne<Row>(write, riding, events, alongs);
    if (written.length > 0) {
      for (const [index, subscriber] of this.transactional.entries()) subscriber.onWrittenAlong(written, alongRows[index]);
    }
    return { rows, written };
  }

  /** For the outbox, after the commit. */
  async notifyCommitted(events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const subscriber of this.committedSubscribers) {
      try {
        await subscriber.onEventsCommitted(events);
      } catch (error) {
        this.logger.error({ err: error }, 'a committed-event subscriber failed; its sweep will catch up');
      }
    }
  }

  /**
   * A payload the types allowed but its schema refuses (a value out of range, a cast somewhere) is a bug: logged,
   * never thrown, since the state change the event records must not be rolled back over it.
   */
  private checkPayload(input: DomainEventInput): void {
    const result = this.catalogue.isEmitted(input.type) ? this.catalogue.schemaOf(input.type).safeParse(input.payload) : undefined;
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
