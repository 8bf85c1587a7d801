import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
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
    occurredAt: row.createdAt,
  };
}

@Injectable()
export class EventsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async insert(tx: Prisma.TransactionClient, id: string, input: DomainEventInput): Promise<DomainEvent> {
    const row = await tx.domainEvent.create({
      data: {
        id,
        type: input.type,
        customerId: input.customerId,
        channelId: input.channelId,
        payload: input.payload as Prisma.InputJsonValue,
        correlationId: input.correlationId ?? null,
      },
    });
    return toDomainEvent(row);
  }

  /** Events after a sequence number, oldest first: the replay behind Last-Event-ID. */
  async listAfter(args: { customerId: string; channelId?: string; afterSeq: bigint; take: number }): Promise<DomainEvent[]> {
    const rows = await this.prisma.domainEvent.findMany({
      where: {
        customerId: args.customerId,
        ...(args.channelId ? { channelId: args.channelId } : {}),
        seq: { gt: args.afterSeq },
      },
      orderBy: { seq: 'asc' },
      take: args.take,
    });
    return rows.map(toDomainEvent);
  }

  async latestSeq(filter: { customerId: string; channelId?: string }): Promise<bigint> {
    const row = await this.prisma.domainEvent.findFirst({
      where: { customerId: filter.customerId, ...(filter.channelId ? { channelId: filter.channelId } : {}) },
      orderBy: { seq: 'desc' },
      select: { seq: true },
    });
    return row?.seq ?? 0n;
  }
}
