import { Injectable } from '@nestjs/common';
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
      const pending: Array<{ id: string; input: DomainEventInput }> = [];
      let open = true;
      const publish: Publish = (event) => {
        // A publish after the work resolved would miss the transaction: a programming error, loud at once.
        if (!open) throw new Error(`${event.type} published after its unit of work ended`);
        const id = newId('evt');
        pending.push({ id, input: event as DomainEventInput });
        return id;
      };
      const result = await work(tx, publish);
      open = false;
      written.push(...(await this.events.appendInTransaction(tx, pending)));
      return result;
    };
    const value = await (options.prisma ? this.transactions.run(unit) : this.transactions.runPlain(unit));
    await this.events.notifyCommitted(written);
    return { value, written };
  }
}
