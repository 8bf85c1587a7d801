import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { clientOf, Transaction } from '../../platform/database/transactions';
import { isUuid } from '../../platform/ids';
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

@Injectable()
export class ChannelsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

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

  find(id: string): Promise<ChannelRow | null> {
    return this.prisma.channel.findUnique({ where: { id } });
  }

  /** A channel by the id a client sent: anything that is not a UUID is simply not found. */
  findByClientId(id: string): Promise<ChannelRow | null> {
    return isUuid(id) ? this.find(id.toLowerCase()) : Promise.resolve(null);
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

  /** Applies a change only if nobody else changed the row since it was read (optimistic concurrency). */
  async applyChange(tx: Transaction, current: ChannelRow, change: StateChange, now: Date): Promise<ChannelRow | null> {
    const stateChanged = change.state !== current.state;
    const [row] = await clientOf(tx).channel.updateManyAndReturn({
      where: { id: current.id, version: current.version },
      data: { ...change, ...(stateChanged ? { stateSince: now } : {}), version: { increment: 1 } },
    });
    return row ?? null;
  }

  update(id: string, change: { name?: string; callAutoReject?: boolean; callRejectMessage?: string | null }): Promise<ChannelRow> {
    return this.prisma.channel.update({ where: { id }, data: { ...change, version: { increment: 1 } } });
  }

  markDeleted(id: string, at: Date): Promise<ChannelRow> {
    return this.prisma.channel.update({ where: { id }, data: { deletedAt: at, wantConnected: false, version: { increment: 1 } } });
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
