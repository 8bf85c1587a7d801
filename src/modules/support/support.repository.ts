import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type SupportTicketRow = Awaited<ReturnType<PrismaClient['supportTicket']['findUniqueOrThrow']>>;

@Injectable()
export class SupportRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  create(data: { id: string; customerId: string; channelId: string | null; subject: string; body: string }): Promise<SupportTicketRow> {
    return this.prisma.supportTicket.create({ data });
  }

  find(customerId: string, id: string): Promise<SupportTicketRow | null> {
    return this.prisma.supportTicket.findFirst({ where: { id, customerId } });
  }

  list(args: {
    customerId: string;
    channelId?: string;
    excludeChannelIds: string[];
    before?: string;
    take: number;
  }): Promise<SupportTicketRow[]> {
    return this.prisma.supportTicket.findMany({
      where: {
        customerId: args.customerId,
        ...(args.channelId ? { channelId: args.channelId } : {}),
        // NOT IN alone would also drop the tickets about no channel (NULL is never "not in").
        ...(args.excludeChannelIds.length > 0 ? { OR: [{ channelId: null }, { channelId: { notIn: args.excludeChannelIds } }] } : {}),
        ...(args.before ? { id: { lt: args.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }
}
