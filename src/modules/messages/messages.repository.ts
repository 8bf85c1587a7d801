import { Inject, Injectable } from '@nestjs/common';
import type { WireMessageKey } from '../../engine/message-content';
import { PLANNED_PER_CALL, Prisma, type PrismaClient, SQL, type Sql, type Statement } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { clientOf, sqlIn, Transaction } from '../../platform/database/transactions';

export type MessageRow = Awaited<ReturnType<PrismaClient['message']['findUniqueOrThrow']>>;

/** The key of the message an outbound reaction reacts to, stored apart from its content (which the API shows). */
export function reactionTargetOf(row: MessageRow): WireMessageKey | null {
  return (row.reactionTarget as WireMessageKey | null) ?? null;
}

/**
 * Every column of a message under the client's field names: the hot paths (a send's claim and status changes,
 * a receipt's lookup) read and write with SQL written here, which costs a fraction of the CPU of the ORM's
 * generated queries per call, and a message goes through several of them.
 */
const COLUMN_LIST = [
  'id',
  'customer_id AS "customerId"',
  'channel_id::text AS "channelId"',
  'mode::text AS mode',
  'direction',
  'chat_jid AS "chatJid"',
  'sender_jid AS "senderJid"',
  'sender_lid AS "senderLid"',
  'type',
  'content',
  'reaction_target AS "reactionTarget"',
  'status',
  'failure_reason AS "failureReason"',
  'wa_message_id AS "waMessageId"',
  'client_ref AS "clientRef"',
  'client_ref_key AS "clientRefKey"',
  'claimed_until AS "claimedUntil"',
  'attempts',
  'correlation_id AS "correlationId"',
  'push_name AS "pushName"',
  'wa_timestamp AS "waTimestamp"',
  'sent_at AS "sentAt"',
  'delivered_at AS "deliveredAt"',
  'read_at AS "readAt"',
  'created_at AS "createdAt"',
  'updated_at AS "updatedAt"',
].join(', ');

/** Where each field of a new message goes, and the cast its parameter needs (the same on either driver). */
const INSERT_COLUMNS: Record<keyof Prisma.MessageCreateManyInput, [column: string, cast: string]> = {
  id: ['id', ''],
  customerId: ['customer_id', ''],
  channelId: ['channel_id', '::uuid'],
  mode: ['mode', '::"ApiKeyMode"'],
  direction: ['direction', ''],
  chatJid: ['chat_jid', ''],
  senderJid: ['sender_jid', ''],
  senderLid: ['sender_lid', ''],
  type: ['type', ''],
  content: ['content', '::jsonb'],
  reactionTarget: ['reaction_target', '::jsonb'],
  status: ['status', ''],
  failureReason: ['failure_reason', ''],
  waMessageId: ['wa_message_id', ''],
  clientRef: ['client_ref', ''],
  clientRefKey: ['client_ref_key', ''],
  claimedUntil: ['claimed_until', '::timestamptz'],
  attempts: ['attempts', '::int'],
  correlationId: ['correlation_id', ''],
  pushName: ['push_name', ''],
  waTimestamp: ['wa_timestamp', '::timestamptz'],
  sentAt: ['sent_at', '::timestamptz'],
  deliveredAt: ['delivered_at', '::timestamptz'],
  readAt: ['read_at', '::timestamptz'],
  createdAt: ['created_at', '::timestamptz'],
  updatedAt: ['updated_at', '::timestamptz'],
};
const JSON_FIELDS: ReadonlySet<string> = new Set(['content', 'reactionTarget']);

/** The fields of an outbound send as it is stored, queued. */
const OUTBOUND_FIELDS = [
  'id',
  'customerId',
  'channelId',
  'mode',
  'direction',
  'chatJid',
  'type',
  'content',
  'reactionTarget',
  'status',
  'waMessageId',
  'clientRef',
  'clientRefKey',
  'correlationId',
  'waTimestamp',
] as const satisfies ReadonlyArray<keyof Prisma.MessageCreateManyInput>;

/** The insert of `insertOutboundIfNew`: the sends as arrays of text, one per field, cast to their columns. */
const OUTBOUND_INSERT = (() => {
  const columns = OUTBOUND_FIELDS.map((field) => INSERT_COLUMNS[field][0]).join(', ');
  const selected = OUTBOUND_FIELDS.map((field) => `m.${INSERT_COLUMNS[field][0]}${INSERT_COLUMNS[field][1]}`).join(', ');
  const parameters = OUTBOUND_FIELDS.map((_, i) => `$${i + 1}::text[]`).join(', ');
  return `INSERT INTO messages (${columns}, updated_at)
         SELECT ${selected}, now()
         FROM unnest(${parameters}) WITH ORDINALITY AS m(${columns}, position)
         ORDER BY m.position
         ON CONFLICT DO NOTHING RETURNING ${COLUMN_LIST}`;
})();

/** A send to store: outbound and queued, with its WhatsApp id drawn and its client_ref (if any) as its key. */
export type OutboundInsert = Required<
  Pick<Prisma.MessageCreateManyInput, Exclude<(typeof OUTBOUND_FIELDS)[number], 'reactionTarget' | 'waTimestamp'>>
> & {
  direction: 'outbound';
  status: 'queued';
  waTimestamp: Date;
  /** The key of the message a reaction reacts to. */
  reactionTarget: WireMessageKey | null;
};

/** What a status change may write. */
export interface MessageChanges {
  status: string;
  claimedUntil?: Date | null;
  failureReason?: string | null;
  sentAt?: Date | null;
  deliveredAt?: Date | null;
  readAt?: Date | null;
}

/**
 * The row a transition (`transitionsStatement`) writes, told before it runs. What a status
 * event says of a message (its ids, chat, type, client_ref, failure and times) only changes with its status,
 * which the write checks; a lease renewed meanwhile (claimed_until, attempts) is in the row it returns.
 */
export function afterTransition(row: MessageRow, changes: MessageChanges, now: Date): MessageRow {
  const changed = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<MessageRow>;
  return { ...row, ...changed, updatedAt: now };
}

/** A status change of one message: written only while the message still has the status `from`. */
export interface Transition {
  id: string;
  from: string;
  changes: MessageChanges;
}

/** The optional fields of a change: its letter in the statement's `t_fields`, and its column. */
const OPTIONAL_CHANGES: Array<[field: Exclude<keyof MessageChanges, 'status'>, letter: string, column: string, cast: string]> = [
  ['claimedUntil', 'c', 'claimed_until', '::timestamptz'],
  ['failureReason', 'f', 'failure_reason', ''],
  ['sentAt', 's', 'sent_at', '::timestamptz'],
  ['deliveredAt', 'd', 'delivered_at', '::timestamptz'],
  ['readAt', 'r', 'read_at', '::timestamptz'],
];

/**
 * The statement of `transitionsStatement`: every change as arrays of text, one per field, and `t_fields` the
 * letters of the fields a change writes (a field it leaves out keeps its value; one it writes may set NULL).
 * Its text does not depend on the number of changes: prepared once per connection.
 */
const TRANSITIONS_UPDATE = (() => {
  const optional = OPTIONAL_CHANGES.map(([, , column]) => `t_${column}`);
  const sets = OPTIONAL_CHANGES.map(
    ([, letter, column, cast]) =>
      `${column} = CASE WHEN strpos(t.t_fields, '${letter}') > 0 THEN t.t_${column}${cast} ELSE m.${column} END`,
  );
  const parameters = ['t_id', 't_from', 't_to', 't_fields', ...optional].map((_, i) => `$${i + 1}::text[]`);
  // Planned with its values at every call: joined to arrays, a plan made once could scan the whole table (sql.ts).
  return `${PLANNED_PER_CALL} UPDATE messages AS m SET status = t.t_to, ${sets.join(', ')}, updated_at = $${parameters.length + 1}::timestamptz
       FROM unnest(${parameters.join(', ')}) AS t(t_id, t_from, t_to, t_fields, ${optional.join(', ')})
       WHERE m.id = t.t_id AND m.status = t.t_from
       RETURNING ${COLUMN_LIST}`;
})();

export interface MessageFilter {
  customerId: string;
  mode: 'live' | 'test';
  channelId?: string;
  chatJid?: string;
  direction?: string;
  type?: string;
  status?: string;
  since?: Date;
  until?: Date;
}

@Injectable()
export class MessagesRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  /**
   * Inserts unless WhatsApp's id (or the client_ref) is already stored for the channel, in the caller's
   * transaction: the row when inserted, null otherwise (INSERT … ON CONFLICT DO NOTHING RETURNING *).
   */
  async insertIfNew(tx: Transaction, data: Prisma.MessageCreateManyInput): Promise<MessageRow | null> {
    const { text, values } = this.insertStatement(data);
    const [row] = await sqlIn(tx).query<MessageRow>(text, values);
    return row ?? null;
  }

  /**
   * Sends in one statement: each row inserted unless its WhatsApp id or client_ref is stored already, and the
   * chats of those inserted touched in the same statement, by the latest message of each (`touchChats`: the
   * chats' upsert from rows `t`, ChatsService.touchFromRows). One output per send, in order: its row, or null.
   * Sends to one chat at once no longer queue for that chat's row one commit after another: they share one.
   */
  async insertOutboundIfNew(sends: OutboundInsert[], touchChats: (from: string) => string): Promise<Array<MessageRow | null>> {
    const text = `WITH inserted AS (${OUTBOUND_INSERT}), touched AS (${touchChats(`(
         SELECT DISTINCT ON (i."channelId", i."chatJid") i."channelId" AS channel_id, i."chatJid" AS jid, i."customerId" AS customer_id,
           i."waTimestamp" AS at, i."waMessageId" AS wa_id, true AS from_me, NULL::text AS participant, 0 AS unread
         FROM inserted i ORDER BY i."channelId", i."chatJid", i."waTimestamp" DESC, i.id DESC) AS t`)})
       SELECT * FROM inserted`;
    // Every column as text, cast in the statement: one text for any number of sends, prepared once.
    const values = OUTBOUND_FIELDS.map((field) =>
      sends.map((send) => {
        const value = send[field];
        if (value === null || value === undefined) return null;
        if (value instanceof Date) return value.toISOString();
        return typeof value === 'object' ? JSON.stringify(value) : String(value);
      }),
    );
    const rows = await this.sql.query<MessageRow>(text, values);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return sends.map((send) => byId.get(send.id) ?? null);
  }

  /** The insert of `insertIfNew` as a statement (for Outbox.runAsOne): the row, or none when it is stored already. */
  insertStatement(data: Prisma.MessageCreateManyInput): Statement {
    const fields = (Object.keys(data) as Array<keyof Prisma.MessageCreateManyInput>).filter((field) => data[field] !== undefined);
    const values: unknown[] = fields.map((field) =>
      JSON_FIELDS.has(field) && data[field] !== null ? JSON.stringify(data[field]) : data[field],
    );
    const columns = fields.map((field) => INSERT_COLUMNS[field][0]);
    const placeholders = fields.map((field, i) => `$${i + 1}${INSERT_COLUMNS[field][1]}`);
    if (!fields.includes('updatedAt')) {
      columns.push('updated_at');
      placeholders.push('now()');
    }
    return {
      text: `INSERT INTO messages (${columns.join(', ')}) VALUES (${placeholders.join(', ')})
       ON CONFLICT DO NOTHING RETURNING ${COLUMN_LIST}`,
      values,
    };
  }

  /** Stores what is new of a batch (by WhatsApp id) in one statement; returns the rows it stored. */
  insertManyIfNew(tx: Transaction, data: Prisma.MessageCreateManyInput[]): Promise<MessageRow[]> {
    return clientOf(tx).message.createManyAndReturn({ data, skipDuplicates: true });
  }

  /** Which of these WhatsApp ids the channel already stored. */
  async knownWaIds(channelId: string, waMessageIds: string[]): Promise<Set<string>> {
    if (waMessageIds.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<Array<{ wa_message_id: string }>>`
      SELECT wa_message_id FROM messages WHERE channel_id = ${channelId}::uuid AND wa_message_id = ANY(${waMessageIds}::text[])`;
    return new Set(rows.map((row) => row.wa_message_id));
  }

  findByClientRef(channelId: string, clientRefKey: string): Promise<MessageRow | null> {
    return this.prisma.message.findUnique({ where: { channelId_clientRefKey: { channelId, clientRefKey } } });
  }

  /** Frees an expired client_ref for reuse; false if the row is still inside the window. */
  async retireClientRef(id: string, createdBefore: Date): Promise<boolean> {
    const { count } = await this.prisma.message.updateMany({
      where: { id, createdAt: { lt: createdBefore } },
      data: { clientRefKey: null },
    });
    return count === 1;
  }

  async find(id: string): Promise<MessageRow | null> {
    const rows = await this.sql.query<MessageRow>(`SELECT ${COLUMN_LIST} FROM messages WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findByWaId(channelId: string, waMessageId: string): Promise<MessageRow | null> {
    const rows = await this.sql.query<MessageRow>(
      `SELECT ${COLUMN_LIST} FROM messages WHERE channel_id = $1::uuid AND wa_message_id = $2`,
      [channelId, waMessageId],
    );
    return rows[0] ?? null;
  }

  /**
   * Takes queued messages (or ones whose sender's lease expired) for sending, in one statement: each gets its
   * row, or null when another worker has it or it is done. An id named twice is taken once, by its first place.
   */
  async claimAll(ids: readonly string[], leaseMs: number): Promise<Array<MessageRow | null>> {
    const now = new Date();
    const rows = await this.sql.query<MessageRow>(
      // joined to an array: planned with its values (a generic plan may scan the whole table)
      `${PLANNED_PER_CALL} UPDATE messages
          SET status = 'sending', claimed_until = $2::timestamptz, attempts = attempts + 1, updated_at = $3::timestamptz
         FROM unnest($1::text[]) AS c(claim_id)
        WHERE id = c.claim_id AND direction = 'outbound'
          AND (status = 'queued' OR (status = 'sending' AND claimed_until < $3::timestamptz))
       RETURNING ${COLUMN_LIST}`,
      [ids, new Date(now.getTime() + leaseMs), now],
    );
    const taken = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => {
      const row = taken.get(id) ?? null;
      taken.delete(id);
      return row;
    });
  }

  /** Gives a claimed message back to the queue (the send failed), due again at `retryAt` (claimed_until holds it meanwhile). */
  async release(id: string, retryAt: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE messages SET status = 'queued', claimed_until = ${retryAt}, updated_at = ${new Date()} WHERE id = ${id} AND status = 'sending'`;
  }

  /**
   * Conditional status writes of several messages, as one statement (for Outbox.runEachAsOne): each applies
   * only while its message still has the status it was decided on (`from`), and returns its row; one that
   * moved on meanwhile writes and returns nothing. At most one change a message: of two, one would be lost.
   */
  transitionsStatement(transitions: readonly Transition[], now: Date): Statement {
    const text = (value: Date | string | null | undefined) => (value instanceof Date ? value.toISOString() : (value ?? null));
    return {
      text: TRANSITIONS_UPDATE,
      values: [
        transitions.map((t) => t.id),
        transitions.map((t) => t.from),
        transitions.map((t) => t.changes.status),
        transitions.map((t) =>
          OPTIONAL_CHANGES.filter(([field]) => t.changes[field] !== undefined)
            .map(([, letter]) => letter)
            .join(''),
        ),
        ...OPTIONAL_CHANGES.map(([field]) => transitions.map((t) => text(t.changes[field]))),
        now,
      ],
    };
  }

  /**
   * Outbound messages waiting to be sent: queued (and due, after a failed send), or claimed by a sender whose lease
   * ran out. Read from `unsent_messages`, which triggers keep to the messages queued or claimed: status is in no
   * index of messages, so that its changes are HOT updates there.
   */
  async listDue(channelIds: string[] | undefined, take: number): Promise<Pick<MessageRow, 'id' | 'channelId'>[]> {
    const due = `(m.status = 'queued' AND m.claimed_until IS NULL) OR (m.status IN ('queued', 'sending') AND m.claimed_until < $1::timestamptz)`;
    const columns = `SELECT m.id, m.channel_id::text AS "channelId" FROM unsent_messages u JOIN messages m ON m.id = u.message_id`;
    const now = new Date();
    return channelIds
      ? this.sql.query(`${columns} WHERE u.channel_id = ANY($3::uuid[]) AND (${due}) ORDER BY u.message_id LIMIT $2`, [
          now,
          take,
          channelIds,
        ])
      : this.sql.query(`${columns} WHERE ${due} ORDER BY u.message_id LIMIT $2`, [now, take]);
  }

  list(filter: MessageFilter, before: string | undefined, take: number): Promise<MessageRow[]> {
    return this.prisma.message.findMany({
      where: {
        customerId: filter.customerId,
        mode: filter.mode,
        ...(filter.channelId ? { channelId: filter.channelId } : {}),
        ...(filter.chatJid ? { chatJid: filter.chatJid } : {}),
        ...(filter.direction ? { direction: filter.direction } : {}),
        ...(filter.type ? { type: filter.type } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.since || filter.until
          ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } }
          : {}),
        ...(before ? { id: { lt: before } } : {}),
      },
      orderBy: { id: 'desc' },
      take,
    });
  }

  findManyByWaIds(channelId: string, waMessageIds: string[]): Promise<MessageRow[]> {
    return this.prisma.message.findMany({ where: { channelId, waMessageId: { in: waMessageIds } } });
  }

  async outboundChats(channelId: string): Promise<string[]> {
    const rows = await this.prisma.message.findMany({
      where: { channelId, direction: 'outbound' },
      distinct: ['chatJid'],
      select: { chatJid: true },
    });
    return rows.map((r) => r.chatJid);
  }
}
