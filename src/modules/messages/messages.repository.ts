import { Inject, Injectable } from '@nestjs/common';
import type { WireMessageKey } from '../../engine/message-content';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { clientOf, Transaction } from '../../platform/database/transactions';

export type MessageRow = Awaited<ReturnType<PrismaClient['message']['findUniqueOrThrow']>>;

/** The key of the message an outbound reaction reacts to, stored apart from its content (which the API shows). */
export function reactionTargetOf(row: MessageRow): WireMessageKey | null {
  return (row.reactionTarget as WireMessageKey | null) ?? null;
}

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
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Inserts unless WhatsApp's id (or the client_ref) is already stored for the channel: the row when inserted,
   * null otherwise (INSERT … ON CONFLICT DO NOTHING RETURNING *).
   */
  async insertIfNew(tx: Transaction, data: Prisma.MessageCreateManyInput): Promise<MessageRow | null> {
    const [row] = await clientOf(tx).message.createManyAndReturn({ data: [data], skipDuplicates: true });
    return row ?? null;
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

  find(id: string): Promise<MessageRow | null> {
    return this.prisma.message.findUnique({ where: { id } });
  }

  findByWaId(channelId: string, waMessageId: string): Promise<MessageRow | null> {
    return this.prisma.message.findUnique({ where: { channelId_waMessageId: { channelId, waMessageId } } });
  }

  /** Takes a queued message (or one whose sender's lease expired) for sending; null when another worker has it or it is done. */
  async claim(id: string, leaseMs: number): Promise<MessageRow | null> {
    const now = new Date();
    const [row] = await this.prisma.message.updateManyAndReturn({
      where: { id, direction: 'outbound', OR: [{ status: 'queued' }, { status: 'sending', claimedUntil: { lt: now } }] },
      data: { status: 'sending', claimedUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
    });
    return row ?? null;
  }

  /** Gives a claimed message back to the queue (the send failed), due again at `retryAt` (claimed_until holds it meanwhile). */
  async release(id: string, retryAt: Date): Promise<void> {
    await this.prisma.message.updateMany({ where: { id, status: 'sending' }, data: { status: 'queued', claimedUntil: retryAt } });
  }

  /** A conditional status write: applies only while the row still has `from` status; the updated row, else null. */
  async transition(tx: Transaction, id: string, from: string, data: Prisma.MessageUncheckedUpdateManyInput): Promise<MessageRow | null> {
    const [row] = await clientOf(tx).message.updateManyAndReturn({ where: { id, status: from }, data });
    return row ?? null;
  }

  /** Outbound messages waiting to be sent: queued (and due, after a failed send), or claimed by a sender whose lease ran out. */
  listDue(channelIds: string[] | undefined, take: number): Promise<Pick<MessageRow, 'id' | 'channelId'>[]> {
    const now = new Date();
    return this.prisma.message.findMany({
      where: {
        direction: 'outbound',
        ...(channelIds ? { channelId: { in: channelIds } } : {}),
        OR: [
          { status: 'queued', claimedUntil: null },
          { status: { in: ['queued', 'sending'] }, claimedUntil: { lt: now } },
        ],
      },
      orderBy: { id: 'asc' },
      take,
      select: { id: true, channelId: true },
    });
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
