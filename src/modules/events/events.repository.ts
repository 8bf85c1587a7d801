import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient, Statement } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { sqlIn, Transaction } from '../../platform/database/transactions';
import { DomainEvent, DomainEventInput, DomainEventType } from './domain-event';

type Row = Awaited<ReturnType<PrismaClient['domainEvent']['findUniqueOrThrow']>>;

function toDomainEvent(row: Row): DomainEvent {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type as DomainEventType,
    customerId: row.customerId,
    channelId: row.channelId,
    payload: row.payload as Record<string, unknown>,
    correlationId: row.correlationId,
    mode: row.mode,
    occurredAt: row.createdAt,
  };
}

/** Whose events: a customer's, of one mode, optionally of one channel. */
export interface EventFilter {
  customerId: string;
  mode: 'live' | 'test';
  channelId?: string;
}

function where(filter: EventFilter): Prisma.DomainEventWhereInput {
  return {
    customerId: filter.customerId,
    ...(filter.channelId ? { channelId: filter.channelId } : {}),
    OR: [{ mode: filter.mode }, { mode: null }],
  };
}

@Injectable()
export class EventsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Writes a unit of work's events in one statement, in the given order (their sequence numbers follow it):
   * one round trip however many events a transaction publishes. The mode comes from the insert trigger. The
   * `reads` (the subscribers' `readAlong`) run in the same statement; `readRows` has their rows, in their order
   * (empty for an undefined one).
   */
  async insertMany(
    tx: Transaction,
    events: Array<{ id: string; input: DomainEventInput }>,
    reads: ReadonlyArray<((firstParameter: number) => Statement) | undefined> = [],
  ): Promise<{ written: DomainEvent[]; readRows: object[][] }> {
    if (events.length === 0) return { written: [], readRows: reads.map(() => []) };
    const values: unknown[] = [
      events.map((e) => e.id),
      events.map((e) => e.input.type),
      events.map((e) => e.input.customerId),
      events.map((e) => e.input.channelId),
      events.map((e) => JSON.stringify(e.input.payload)),
      events.map((e) => e.input.correlationId ?? null),
    ];
    const insert = `INSERT INTO domain_events (id, type, customer_id, channel_id, payload, correlation_id)
       SELECT e.id, e.type, e.customer_id, e.channel_id, e.payload::jsonb, e.correlation_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         WITH ORDINALITY AS e(id, type, customer_id, channel_id, payload, correlation_id, position)
       ORDER BY e.position
       RETURNING seq::text AS seq, id, mode::text AS mode, created_at AS "createdAt"`;
    // Each read rides along as a CTE whose rows come back as one JSON array beside every event row.
    const alongs: string[] = [];
    const columns: string[] = [];
    for (const [index, read] of reads.entries()) {
      if (!read) continue;
      const statement = read(values.length + 1);
      values.push(...statement.values);
      alongs.push(`, read_${index} AS (${statement.text})`);
      columns.push(`, (SELECT coalesce(json_agg(r), '[]'::json) FROM read_${index} r) AS read_${index}`);
    }
    const rows = await sqlIn(tx).query<
      { seq: string; id: string; mode: 'live' | 'test' | null; createdAt: Date } & Record<string, unknown>
    >(alongs.length === 0 ? insert : `WITH written AS (${insert})${alongs.join('')} SELECT w.*${columns.join('')} FROM written w`, values);
    const readRows = reads.map((read, index) => (read ? ((rows[0]?.[`read_${index}`] as object[] | undefined) ?? []) : []));
    const stored = new Map(rows.map((row) => [row.id, row]));
    const written = events.map(({ id, input }) => {
      const row = stored.get(id);
      if (!row) throw new Error(`event ${id} was not written`);
      return {
        id,
        seq: BigInt(row.seq),
        type: input.type,
        customerId: input.customerId,
        channelId: input.channelId,
        payload: input.payload,
        correlationId: input.correlationId ?? null,
        mode: row.mode,
        occurredAt: row.createdAt,
      };
    });
    return { written, readRows };
  }

  /** Events after a sequence number, oldest first: the replay behind Last-Event-ID. Only the key's mode, and events of no channel. */
  async listAfter(args: EventFilter & { afterSeq: bigint; take: number }): Promise<DomainEvent[]> {
    const rows = await this.prisma.domainEvent.findMany({
      where: {
        ...where(args),
        seq: { gt: args.afterSeq },
      },
      orderBy: { seq: 'asc' },
      take: args.take,
    });
    return rows.map(toDomainEvent);
  }

  async latestSeq(filter: EventFilter): Promise<bigint> {
    const row = await this.prisma.domainEvent.findFirst({
      where: where(filter),
      orderBy: { seq: 'desc' },
      select: { seq: true },
    });
    return row?.seq ?? 0n;
  }

  /** The newest sequence number of the whole log: what the streams' shared catch-up compares against. */
  async newestSeq(): Promise<bigint> {
    const row = await this.prisma.domainEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true } });
    return row?.seq ?? 0n;
  }
}
