import { Inject, Injectable } from '@nestjs/common';
import { type Prisma, type PrismaClient, type RidingStatement, SQL, type Sql, type Statement } from '../../platform/database';
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
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

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
    const { text: insert, values } = insertStatement(events, 1);
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
    return { written: writtenEvents(events, rows), readRows };
  }

  /**
   * A unit of work that is one write, as one statement (see Outbox.runAsOne): `write` (a data-modifying statement
   * with RETURNING, its parameters from $1) and, only if it returned a row, each of `riding`, the events (the CTE
   * `written`, whose columns are domain_events' with `mode` as text) and each of `alongs`, data-modifying
   * statements over `written` with RETURNING (the transactional subscribers' writes). One round trip, and no
   * transaction: a statement is atomic on its own. Returns write's rows (none: nothing was written), the events and
   * each along's rows.
   */
  async writeAsOne<Row extends object>(
    write: Statement,
    riding: readonly RidingStatement[],
    events: Array<{ id: string; input: DomainEventInput; unit?: string }>,
    alongs: ReadonlyArray<((firstParameter: number) => Statement) | undefined>,
  ): Promise<{ rows: Row[]; written: DomainEvent[]; alongRows: object[][] }> {
    const values = [...write.values];
    const onlyIf = 'EXISTS (SELECT 1 FROM main)';
    // Events of several units (Outbox.runEachAsOne) each go with their unit's row: `main` returned its id.
    const units = events.some((event) => event.unit !== undefined);
    if (units && riding.length > 0) throw new Error('statements ride along one unit of work, not several');
    const parts = [`main AS (${write.text})`];
    for (const [index, ride] of riding.entries()) {
      const statement = ride(values.length + 1, onlyIf);
      values.push(...statement.values);
      parts.push(`riding_${index} AS (${statement.text})`);
    }
    const columns: string[] = [];
    if (events.length > 0) {
      const insert = units
        ? insertStatement(events, values.length + 1, 'EXISTS (SELECT 1 FROM main WHERE main.id = e.unit)', WRITTEN_COLUMNS, true)
        : insertStatement(events, values.length + 1, onlyIf, WRITTEN_COLUMNS);
      values.push(...insert.values);
      parts.push(`written AS (${insert.text})`);
      columns.push(
        `, (SELECT coalesce(json_agg(json_build_object('seq', w.seq::text, 'id', w.id, 'mode', w.mode, 'createdAt', w.created_at)), '[]'::json) FROM written w) AS "writtenEvents"`,
      );
      for (const [index, along] of alongs.entries()) {
        if (!along) continue;
        const statement = along(values.length + 1);
        values.push(...statement.values);
        parts.push(`along_${index} AS (${statement.text})`);
        columns.push(`, (SELECT coalesce(json_agg(a), '[]'::json) FROM along_${index} a) AS "along_${index}"`);
      }
    }
    const rows = await this.sql.query<Row & { writtenEvents?: WrittenEventJson[] } & Record<string, unknown>>(
      `WITH ${parts.join(', ')} SELECT m.*${columns.join('')} FROM main m`,
      values,
    );
    const first = rows[0];
    if (!first) return { rows: [], written: [], alongRows: alongs.map(() => []) };
    const writtenUnits = new Set(units ? rows.map((row) => (row as { id?: string }).id) : []);
    const written =
      events.length === 0
        ? []
        : writtenEvents(
            units ? events.filter((event) => writtenUnits.has(event.unit)) : events,
            (first.writtenEvents ?? []).map((row) => ({ ...row, createdAt: new Date(row.createdAt) })),
          );
    const alongRows = alongs.map((along, index) => (along ? ((first[`along_${index}`] as object[] | undefined) ?? []) : []));
    // the write's own columns, without those this statement added
    const added = new Set(['writtenEvents', ...[...alongs.keys()].map((index) => `along_${index}`)]);
    const own = (row: object) => Object.fromEntries(Object.entries(row).filter(([column]) => !added.has(column))) as Row;
    return { rows: rows.map(own), written, alongRows };
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

/** What a statement returns of the events it wrote. */
const RETURNED_COLUMNS = `seq::text AS seq, id, mode::text AS mode, created_at AS "createdAt"`;
/** What the CTE `written` of writeAsOne holds: the events' rows, the mode as text, for the statements riding on it. */
const WRITTEN_COLUMNS = 'seq, id, type, customer_id, channel_id, payload, correlation_id, mode::text AS mode, created_at';

interface WrittenEventJson {
  seq: string;
  id: string;
  mode: 'live' | 'test' | null;
  createdAt: string;
}

/** The insert of a unit of work's events, in publishing order (their sequence numbers follow it), from `$first`. */
function insertStatement(
  events: Array<{ id: string; input: DomainEventInput; unit?: string }>,
  first: number,
  onlyIf?: string,
  returning = RETURNED_COLUMNS,
  withUnits = false,
): Statement {
  const $ = (n: number) => `$${first + n}::text[]`;
  const arrays = withUnits ? [0, 1, 2, 3, 4, 5, 6] : [0, 1, 2, 3, 4, 5];
  return {
    text: `INSERT INTO domain_events (id, type, customer_id, channel_id, payload, correlation_id)
       SELECT e.id, e.type, e.customer_id, e.channel_id, e.payload::jsonb, e.correlation_id
       FROM unnest(${arrays.map($).join(', ')})
         WITH ORDINALITY AS e(id, type, customer_id, channel_id, payload, correlation_id, ${withUnits ? 'unit, ' : ''}position)
       ${onlyIf ? `WHERE ${onlyIf}` : ''}
       ORDER BY e.position
       RETURNING ${returning}`,
    values: [
      events.map((e) => e.id),
      events.map((e) => e.input.type),
      events.map((e) => e.input.customerId),
      events.map((e) => e.input.channelId),
      events.map((e) => JSON.stringify(e.input.payload)),
      events.map((e) => e.input.correlationId ?? null),
      ...(withUnits ? [events.map((e) => e.unit ?? null)] : []),
    ],
  };
}

/** The events as written: what the caller published, with what the database gave them. */
function writtenEvents(
  events: Array<{ id: string; input: DomainEventInput }>,
  rows: Array<{ id: string; seq: string; mode: 'live' | 'test' | null; createdAt: Date }>,
): DomainEvent[] {
  const stored = new Map(rows.map((row) => [row.id, row]));
  return events.map(({ id, input }) => {
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
}
