import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type MessageRow = Awaited<ReturnType<PrismaClient['message']['findUniqueOrThrow']>>;
export type Tx = Prisma.TransactionClient;

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

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /** Who owns a channel, for messages the engine reports without a request. */
  channelOwner(channelId: string): Promise<{ customerId: string; mode: 'live' | 'test' } | null> {
    return this.prisma.channel.findUnique({ where: { id: channelId }, select: { customerId: true, mode: true } });
  }

  insert(data: Prisma.MessageUncheckedCreateInput, tx: Tx | PrismaClient = this.prisma): Promise<MessageRow> {
    return tx.message.create({ data });
  }

  /** Inserts unless WhatsApp's id is already stored for the channel; true when inserted. */
  async insertIfNew(tx: Tx, data: Prisma.MessageCreateManyInput): Promise<boolean> {
    const { count } = await tx.message.createMany({ data: [data], skipDuplicates: true });
    return count === 1;
  }

  findByClientRef(channelId: string, clientRefKey: string): Promise<MessageRow | null> {
    return this.prisma.message.findUnique({ where: { channelId_clientRefKey: { channelId, clientRefKey } } });
  }

  /** Frees an expired client_ref for reuse; false if the row is still inside the window. */
  async retireClientRef(id: string, createdBefore: Date): Promise<boolean> {
    const { count } = await this.prisma.message.updateMany({ where: { id, createdAt: { lt: createdBefore } }, data: { clientRefKey: null } });
    return count === 1;
  }

  find(id: string, tx: Tx | PrismaClient = this.prisma): Promise<MessageRow | null> {
    return tx.message.findUnique({ where: { id } });
  }

  findByWaId(channelId: string, waMessageId: string, tx: Tx | PrismaClient = this.prisma): Promise<MessageRow | null> {
    return tx.message.findUnique({ where: { channelId_waMessageId: { channelId, waMessageId } } });
  }

  /** Takes a queued message (or one whose sender's lease expired) for sending; null when another worker has it or it is done. */
  async claim(id: string, leaseMs: number): Promise<MessageRow | null> {
    const now = new Date();
    const { count } = await this.prisma.message.updateMany({
      where: { id, direction: 'outbound', OR: [{ status: 'queued' }, { status: 'sending', claimedUntil: { lt: now } }] },
      data: { status: 'sending', claimedUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
    });
    return count === 1 ? this.find(id) : null;
  }

  /** Gives a claimed message back to the queue (the session went away mid-send). */
  async release(id: string): Promise<void> {
    await this.prisma.message.updateMany({ where: { id, status: 'sending' }, data: { status: 'queued', claimedUntil: null } });
  }

  /** A conditional status write: applies only while the row still has `from` status. */
  async transition(tx: Tx, id: string, from: string, data: Prisma.MessageUncheckedUpdateManyInput): Promise<boolean> {
    const { count } = await tx.message.updateMany({ where: { id, status: from }, data });
    return count === 1;
  }

  update(tx: Tx, id: string, data: Prisma.MessageUncheckedUpdateInput): Promise<MessageRow> {
    return tx.message.update({ where: { id }, data });
  }

  /** Outbound messages waiting to be sent: queued, or claimed by a sender whose lease ran out. */
  listDue(channelIds: string[] | undefined, take: number): Promise<Pick<MessageRow, 'id' | 'channelId'>[]> {
    const now = new Date();
    return this.prisma.message.findMany({
      where: {
        direction: 'outbound',
        ...(channelIds ? { channelId: { in: channelIds } } : {}),
        OR: [{ status: 'queued' }, { status: 'sending', claimedUntil: { lt: now } }],
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
        ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } } : {}),
        ...(before ? { id: { lt: before } } : {}),
      },
      orderBy: { id: 'desc' },
      take,
    });
  }

  /** The newest message of a chat (anchors archive and unread changes on WhatsApp). */
  latestInChat(channelId: string, chatJid: string): Promise<MessageRow | null> {
    return this.prisma.message.findFirst({ where: { channelId, chatJid }, orderBy: { id: 'desc' } });
  }

  findManyByWaIds(channelId: string, waMessageIds: string[]): Promise<MessageRow[]> {
    return this.prisma.message.findMany({ where: { channelId, waMessageId: { in: waMessageIds } } });
  }

  async outboundChats(channelId: string): Promise<string[]> {
    const rows = await this.prisma.message.findMany({ where: { channelId, direction: 'outbound' }, distinct: ['chatJid'], select: { chatJid: true } });
    return rows.map((r) => r.chatJid);
  }
}
