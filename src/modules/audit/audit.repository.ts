import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { clientOf, Transaction } from '../../platform/database/transactions';

export type AuditEventRow = Awaited<ReturnType<PrismaClient['auditEvent']['findUniqueOrThrow']>>;
/** `mode` is left to the database: the acting key's mode, else the channel's (trigger audit_events_set_mode). */
export type NewAuditEvent = Omit<AuditEventRow, 'createdAt' | 'details' | 'mode'> & { details?: Prisma.InputJsonValue };

@Injectable()
export class AuditRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Inside `tx` when given (a state change's own record), else on its own. */
  insert(event: NewAuditEvent, tx?: Transaction): Promise<AuditEventRow> {
    return (tx ? clientOf(tx) : this.prisma).auditEvent.create({ data: event });
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
