import { Inject, Injectable } from '@nestjs/common';
import { type Prisma, type PrismaClient, SQL, type Sql, type SqlQuery, type Statement } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type AuditEventRow = Awaited<ReturnType<PrismaClient['auditEvent']['findUniqueOrThrow']>>;
/** `mode` is left to the database: the acting key's mode, else the channel's (trigger audit_events_set_mode). */
export type NewAuditEvent = Omit<AuditEventRow, 'createdAt' | 'details' | 'mode'> & { details?: Prisma.InputJsonValue };

@Injectable()
export class AuditRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  /** An API call's record, on its own. In plain SQL, like the next: every audited request writes one. */
  insert(event: NewAuditEvent): Promise<void> {
    return insertInto(this.sql, [event]);
  }

  /** Several API calls' records in one statement: what the gateway wrote since its last write. */
  insertMany(events: NewAuditEvent[]): Promise<void> {
    return insertInto(this.sql, events);
  }

  /** A key sees the rows of its mode, and those of neither (no key and no channel: the operator's, on the customer). */
  list(args: { customerId: string; mode: 'live' | 'test'; channelId?: string; before?: string; take: number }): Promise<AuditEventRow[]> {
    return this.prisma.auditEvent.findMany({
      where: {
        customerId: args.customerId,
        OR: [{ mode: args.mode }, { mode: null }],
        ...(args.channelId ? { channelId: args.channelId } : {}),
        ...(args.before ? { id: { lt: args.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }
}

const COLUMNS = [
  'id',
  'customer_id',
  'actor_type',
  'api_key_id',
  'action',
  'method',
  'path',
  'resource_type',
  'resource_id',
  'channel_id',
  'status_code',
  'outcome',
  'error_code',
  'request_id',
  'details',
] as const;

function columnsOf(event: NewAuditEvent): unknown[] {
  return [
    event.id,
    event.customerId,
    event.actorType,
    event.apiKeyId,
    event.action,
    event.method,
    event.path,
    event.resourceType,
    event.resourceId,
    event.channelId,
    event.statusCode,
    event.outcome,
    event.errorCode,
    event.requestId,
    event.details === undefined ? null : JSON.stringify(event.details),
  ];
}

/** `($n, …, $n+14::jsonb)`: one row's parameters, numbered from `first`. */
function rowPlaceholders(first: number): string {
  return `(${COLUMNS.map((_, index) => `$${first + index}${index === COLUMNS.length - 1 ? '::jsonb' : ''}`).join(', ')})`;
}

async function insertInto(sql: SqlQuery, events: NewAuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const values = events.flatMap(columnsOf);
  const rows = events.map((_, index) => rowPlaceholders(index * COLUMNS.length + 1));
  await sql.query(`INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, values);
}

/** The SQL type of each column's parameter, for an insert whose values are not a VALUES list (insertAlongStatement). */
const CASTS: Record<(typeof COLUMNS)[number], string> = {
  id: 'text',
  customer_id: 'text',
  actor_type: 'text',
  api_key_id: 'text',
  action: 'text',
  method: 'text',
  path: 'text',
  resource_type: 'text',
  resource_id: 'text',
  channel_id: 'text',
  status_code: 'int',
  outcome: 'text',
  error_code: 'text',
  request_id: 'text',
  details: 'jsonb',
};

/**
 * One record inside the statement of a state change (Outbox.runAsOne), written only if `onlyIf` holds: every
 * channel writes two at each login. Parameters from `first`.
 */
export function insertAlongStatement(event: NewAuditEvent, first: number, onlyIf: string): Statement {
  return {
    text: `INSERT INTO audit_events (${COLUMNS.join(', ')})
       SELECT ${COLUMNS.map((column, index) => `$${first + index}::${CASTS[column]}`).join(', ')} WHERE ${onlyIf}`,
    values: columnsOf(event),
  };
}
