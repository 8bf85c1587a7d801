import { Inject, Injectable } from '@nestjs/common';
import { type PrismaClient, SQL, type Sql, type Statement } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { clientOf, Transaction } from '../../platform/database/transactions';
import { isUuid } from '../../platform/ids';
import { RecentReads } from '../../platform/recent-reads';
import { ChannelState } from './channel-lifecycle';

export type ChannelRow = Awaited<ReturnType<PrismaClient['channel']['findUniqueOrThrow']>>;

export interface StateChange {
  state: ChannelState;
  reasonCode?: number | null;
  reasonText?: string | null;
  reconnectAttempts?: number;
  wantConnected?: boolean;
  phoneNumber?: string | null;
  jid?: string | null;
  lid?: string | null;
  workerId?: string | null;
  /** Fencing token of the channel lease the change was made under (see ChannelLeases). */
  leaseToken?: bigint | null;
  disabledAt?: Date | null;
}

/** The column each field of a state change is written to, with the cast its parameter needs on either driver. */
const STATE_CHANGE_COLUMNS: Record<keyof StateChange, string> = {
  state: 'state = $::"ChannelState"',
  reasonCode: 'reason_code = $::int',
  reasonText: 'reason_text = $::text',
  reconnectAttempts: 'reconnect_attempts = $::int',
  wantConnected: 'want_connected = $::boolean',
  phoneNumber: 'phone_number = $::text',
  jid: 'jid = $::text',
  lid: 'lid = $::text',
  workerId: 'worker_id = $::text',
  leaseToken: 'lease_token = $::bigint',
  disabledAt: 'disabled_at = $::timestamptz',
};

/** Every column of a channel as Prisma names it; int8 as text, so both drivers return it alike. */
const CHANNEL_COLUMNS = `id::text AS id, customer_id AS "customerId", name, mode::text AS mode, state::text AS state,
  state_since AS "stateSince", reason_code AS "reasonCode", reason_text AS "reasonText",
  reconnect_attempts AS "reconnectAttempts", want_connected AS "wantConnected", phone_number AS "phoneNumber", jid, lid,
  worker_id AS "workerId", lease_token::text AS "leaseToken", call_auto_reject AS "callAutoReject",
  call_reject_message AS "callRejectMessage", disabled_at AS "disabledAt", deleted_at AS "deletedAt", version,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

type ChannelColumns = Omit<ChannelRow, 'leaseToken'> & { leaseToken: string | null };

/** The row `changeStatement(current, change, now)` writes, told before it runs: what its events describe. */
export function afterChange(current: ChannelRow, change: StateChange, now: Date): ChannelRow {
  const changed = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) as Partial<ChannelRow>;
  return {
    ...current,
    ...changed,
    stateSince: change.state !== current.state ? now : current.stateSince,
    version: current.version + 1,
  };
}

/**
 * How long a channel read for a send is taken at its word (`findRecentByClientId`), counted from the start of
 * the read. A send read its channel once a request, half the statements of an accepted send. A change this
 * process makes shows at once; one made by another process (a worker holding the socket, the operator CLI)
 * within this window, which only widens the one between a send's check and its insert: a send accepted just
 * as its channel stopped waits, stored, like those accepted just before.
 */
export const RECENT_CHANNEL_TTL_MS = 50;

function toChannelRow(row: ChannelColumns): ChannelRow {
  return { ...row, leaseToken: row.leaseToken === null ? null : BigInt(row.leaseToken) };
}

@Injectable()
export class ChannelsRepository {
  private readonly recent = new RecentReads<ChannelRow | null>({ ttlMs: RECENT_CHANNEL_TTL_MS, max: 10_000, keeps: (row) => row !== null });

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  /** Serialises channel creation per customer so the plan limit holds under concurrent requests. */
  async lockCustomer(tx: Transaction, customerId: string): Promise<void> {
    await clientOf(tx).$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`channels:${customerId}`}))`;
  }

  countActive(tx: Transaction, customerId: string): Promise<number> {
    return clientOf(tx).channel.count({ where: { customerId, deletedAt: null } });
  }

  create(tx: Transaction, data: { id: string; customerId: string; name: string; mode: 'live' | 'test' }): Promise<ChannelRow> {
    return clientOf(tx).channel.create({ data });
  }

  /** In plain SQL: requests on a channel, and every state change of the engine, read it first. */
  async find(id: string): Promise<ChannelRow | null> {
    const [row] = await this.sql.query<ChannelColumns>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE id = $1::uuid`, [id]);
    return row ? toChannelRow(row) : null;
  }

  /** A channel by the id a client sent: anything that is not a UUID is simply not found. */
  findByClientId(id: string): Promise<ChannelRow | null> {
    return isUuid(id) ? this.find(id.toLowerCase()) : Promise.resolve(null);
  }

  /** `findByClientId`, or its answer from the last RECENT_CHANNEL_TTL_MS: for the routes that send. */
  findRecentByClientId(id: string): Promise<ChannelRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    const key = id.toLowerCase();
    return this.recent.lookup(key, () => this.find(key));
  }

  /** Ids of a customer's channels of one mode, deleted ones included. */
  async idsOfMode(customerId: string, mode: 'live' | 'test'): Promise<string[]> {
    const rows = await this.prisma.channel.findMany({ where: { customerId, mode }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  list(args: {
    customerId: string;
    mode: 'live' | 'test';
    onlyId?: string;
    includeDeleted: boolean;
    before?: string;
    take: number;
  }): Promise<ChannelRow[]> {
    return this.prisma.channel.findMany({
      where: {
        customerId: args.customerId,
        mode: args.mode,
        ...(args.onlyId ? { id: args.onlyId } : {}),
        ...(args.includeDeleted ? {} : { deletedAt: null }),
        ...(args.before ? { id: { lt: args.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }

  /** Every customer's channels, for the operator: newest first, by customer and state when asked. */
  listAll(args: {
    customerId?: string;
    state?: ChannelRow['state'];
    includeDeleted: boolean;
    before?: string;
    take: number;
  }): Promise<ChannelRow[]> {
    return this.prisma.channel.findMany({
      where: {
        customerId: args.customerId,
        state: args.state,
        ...(args.includeDeleted ? {} : { deletedAt: null }),
        ...(args.before ? { id: { lt: args.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }

  /**
   * A change as one statement, applied only if nobody else changed the row since it was read (optimistic
   * concurrency), returning the row as it became (`changedRow` reads it): the write of a state change's unit of
   * work (Outbox.runAsOne), two a channel at each login. `afterChange` tells the row before it runs.
   */
  changeStatement(current: ChannelRow, change: StateChange, now: Date): Statement {
    const values: unknown[] = [current.id, current.version];
    const sets = Object.entries(change)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => {
        values.push(typeof value === 'bigint' ? value.toString() : value);
        return STATE_CHANGE_COLUMNS[field as keyof StateChange].replace('$', `$${values.length}`);
      });
    if (change.state !== current.state) {
      values.push(now);
      sets.push(`state_since = $${values.length}::timestamptz`);
    }
    return {
      text: `UPDATE channels SET ${sets.join(', ')}, version = version + 1, updated_at = now()
        WHERE id = $1::uuid AND version = $2::int RETURNING ${CHANNEL_COLUMNS}`,
      values,
    };
  }

  /** A row `changeStatement` returned, once written: reads of the channel from before it are forgotten. */
  changedRow(row: object): ChannelRow {
    const changed = toChannelRow(row as ChannelColumns);
    this.recent.forget(changed.id);
    return changed;
  }

  async update(id: string, change: { name?: string; callAutoReject?: boolean; callRejectMessage?: string | null }): Promise<ChannelRow> {
    const row = await this.prisma.channel.update({ where: { id }, data: { ...change, version: { increment: 1 } } });
    this.recent.forget(id);
    return row;
  }

  async markDeleted(id: string, at: Date): Promise<ChannelRow> {
    const row = await this.prisma.channel.update({
      where: { id },
      data: { deletedAt: at, wantConnected: false, version: { increment: 1 } },
    });
    this.recent.forget(id);
    return row;
  }

  /** Channels the gateway should have connected: re-opened on boot without a new QR. */
  listWantConnected(): Promise<ChannelRow[]> {
    return this.prisma.channel.findMany({ where: { wantConnected: true, deletedAt: null, disabledAt: null } });
  }

  /** How many live channels name each worker as the one holding their connection. */
  async countByWorker(): Promise<Map<string, number>> {
    const groups = await this.prisma.channel.groupBy({
      by: ['workerId'],
      where: { workerId: { not: null }, deletedAt: null },
      _count: { _all: true },
    });
    return new Map(groups.flatMap((group) => (group.workerId === null ? [] : [[group.workerId, group._count._all]])));
  }

  listConnectedOnWorker(workerId: string): Promise<ChannelRow[]> {
    return this.prisma.channel.findMany({ where: { state: 'connected', workerId, deletedAt: null } });
  }
}
