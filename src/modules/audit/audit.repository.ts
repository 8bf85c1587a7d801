import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type AuditEventRow = Awaited<ReturnType<PrismaClient['auditEvent']['findUniqueOrThrow']>>;
export type NewAuditEvent = Omit<AuditEventRow, 'createdAt' | 'details'> & { details?: Prisma.InputJsonValue };

@Injectable()
export class AuditRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  insert(event: NewAuditEvent, tx: Prisma.TransactionClient | PrismaClient = this.prisma): Promise<AuditEventRow> {
    return tx.auditEvent.create({ data: event });
  }

  list(args: { customerId: string; channelId?: string; before?: string; take: number }): Promise<AuditEventRow[]> {
    return this.prisma.auditEvent.findMany({
      where: {
        customerId: args.customerId,
        ...(args.channelId ? { channelId: args.channelId } : {}),
        ...(args.before ? { id: { lt: args.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }
}
