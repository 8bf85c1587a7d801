import { Injectable } from '@nestjs/common';
import type { RidingStatement, Statement } from '../../platform/database';
import { Transaction, Transactions } from '../../platform/database/transactions';
import { newId } from '../../platform/ids';
import { DomainEvent, DomainEventInput, DomainEventType } from './domain-event';
import { EventsService } from './events.service';

/**
 * Publishes an event from inside `Outbox.run`: typed by `type` (the payloads the modules declare, see
 * event-payloads.ts), written in the run's transaction before it commits. Returns the event's id right away,
 * so the work can refer to it.
 */
export type Publish = <T extends DomainEventType>(event: DomainEventInput<T>) => string;

export interface OutboxOptions {
  /** The work calls repositories that use Prisma's models (`clientOf`): open the transaction through Prisma. */
  prisma?: boolean;
}

/**
 * The unit of work of every state change that becomes events: one transaction for the change and its events
 * (and what transactional subscribers write for them, such as webhook deliveries), then, once it has
 * committed, the hand-off to committed subscribers (queues, live streams). Producers cannot forget either half.
 *
 * The transaction is plain SQL (`Transactions.runPlain`): the events, the deliveries and the hot producers'
 * writes (channel states, message statuses, inbound messages) are written by repositories that speak SQL, and
 * Prisma's interactive transaction costs ten times the CPU. A unit whose repositories still query through
 * Prisma's models (a chat change, a story view) says so with `{ prisma: true }`.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly transactions: Transactions,
    private readonly events: EventsService,
  ) {}

  /**
   * Runs `work` in one transaction; the events it publishes are written at its end, in publishing order,
   * in the same transaction, in one statement. Committed subscribers hear of them after the commit; nothing is heard of a
   * run that threw (it rolled back).
   */
  async run<T>(work: (tx: Transaction, publish: Publish) => Promise<T>, options: OutboxOptions = {}): Promise<T> {
    const { value } = await this.commit(work, options);
    return value;
  }

  /**
   * A unit of work that is a single write, run as a single statement with no transaction around it (one round
   * trip where `run` takes five: BEGIN, the write, what rides along, the events, COMMIT). `plan` publishes the
   * events and returns the write (a data-modifying statement with RETURNING, parameters from $1) and what rides
   * along it (an audit entry); those and the events are written only if the write returned a row, in the same
   * statement, with what transactional subscribers write for the events (`writeAlong`: webhook deliveries).
   * For a write whose events can be told before it runs (from the row it updates, under a version check).
   * `written` runs once the statement did, before committed subscribers hear of the events. Resolves with the
   * write's first row, or null when it wrote nothing (then nothing was published).
   */
  async runAsOne<Row extends object>(
    plan: (publish: Publish) => { write: Statement; riding?: RidingStatement[] },
    written?: (row: Row) => void,
  ): Promise<Row | null> {
    const events = publishing();
    const { write, riding = [] } = plan(events.publish);
    const result = await this.events.writeAsOne<Row>(write, riding, events.close());
    const row = result.rows[0] ?? null;
    if (row && written) written(row);
    await this.events.notifyCommitted(result.written);
    return row;
  }

  /**
   * `runAsOne` for several units of work at once, each a single write of one row: `write` writes every unit's
   * row in one statement (RETURNING its `id`), and the events a unit publishes are written only if the row
   * named by its `key` was, in the same statement. One round trip and one commit for them all, where each on
   * its own would take one. Resolves with each unit's row, in their order, or null for a unit whose row was
   * not written (then nothing it published was).
   */
  async runEachAsOne<Row extends { id: string }>(
    units: ReadonlyArray<{ key: string; publish: (publish: Publish) => void }>,
    write: Statement,
  ): Promise<Array<Row | null>> {
    const events: Array<{ id: string; input: DomainEventInput; unit: string }> = [];
    for (const unit of units) {
      const unitEvents = publishing();
      unit.publish(unitEvents.publish);
      for (const event of unitEvents.close()) events.push({ ...event, unit: unit.key });
    }
    const result = await this.events.writeAsOne<Row>(write, [], events);
    const byId = new Map(result.rows.map((row) => [row.id, row]));
    await this.events.notifyCommitted(result.written);
    return units.map((unit) => byId.get(unit.key) ?? null);
  }

  /** One event on its own, in its own transaction. */
  async publish<T extends DomainEventType>(event: DomainEventInput<T>): Promise<DomainEvent> {
    const { written } = await this.commit(async (_tx, publish) => publish(event), {});
    return written[0];
  }

  private async commit<T>(
    work: (tx: Transaction, publish: Publish) => Promise<T>,
    options: OutboxOptions,
  ): Promise<{ value: T; written: DomainEvent[] }> {
    const written: DomainEvent[] = [];
    const unit = async (tx: Transaction) => {
      const events = publishing();
      const result = await work(tx, events.publish);
      written.push(...(await this.events.appendInTransaction(tx, events.close())));
      return result;
    };
    const value = await (options.prisma ? this.transactions.run(unit) : this.transactions.runPlain(unit));
    await this.events.notifyCommitted(written);
    return { value, written };
  }
}

/** A unit of work's `publish`, and its events once the work is done (`close`). */
function publishing(): { publish: Publish; close: () => Array<{ id: string; input: DomainEventInput }> } {
  const pending: Array<{ id: string; input: DomainEventInput }> = [];
  let open = true;
  return {
    publish: (event) => {
      // A publish after the work resolved would miss the write: a programming error, loud at once.
      if (!open) throw new Error(`${event.type} published after its unit of work ended`);
      const id = newId('evt');
      pending.push({ id, input: event as DomainEventInput });
      return id;
    },
    close: () => {
      open = false;
      return pending;
    },
  };
}
