import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../../platform/database/database.module';
import type { PrismaClient } from '../../platform/database';

export type CustomerRow = Awaited<ReturnType<PrismaClient['customer']['findUniqueOrThrow']>>;
export type ApiKeyRow = Awaited<ReturnType<PrismaClient['apiKey']['findUniqueOrThrow']>>;
export type PlanRow = Awaited<ReturnType<PrismaClient['plan']['findUniqueOrThrow']>>;

@Injectable()
export class AccountsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  findPlan(id: string): Promise<PlanRow | null> {
    return this.prisma.plan.findUnique({ where: { id } });
  }

  listPlans(): Promise<PlanRow[]> {
    return this.prisma.plan.findMany({ orderBy: { createdAt: 'asc' } });
  }

  upsertPlan(plan: Omit<PlanRow, 'createdAt'>): Promise<PlanRow> {
    const { id, ...fields } = plan;
    return this.prisma.plan.upsert({ where: { id }, create: plan, update: fields });
  }

  createCustomer(data: { id: string; name: string; planId: string }): Promise<CustomerRow> {
    return this.prisma.customer.create({ data });
  }

  findCustomer(id: string): Promise<CustomerRow | null> {
    return this.prisma.customer.findUnique({ where: { id } });
  }

  listCustomers(args: { before?: string; take: number }): Promise<CustomerRow[]> {
    return this.prisma.customer.findMany({
      where: args.before ? { id: { lt: args.before } } : undefined,
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }

  updateCustomer(id: string, data: { name?: string; planId?: string }): Promise<CustomerRow> {
    return this.prisma.customer.update({ where: { id }, data });
  }

  createApiKey(data: {
    id: string;
    customerId: string;
    mode: 'live' | 'test';
    prefix: string;
    secretHash: string;
    channelId: string | null;
    name: string | null;
    expiresAt: Date | null;
  }): Promise<ApiKeyRow> {
    return this.prisma.apiKey.create({ data });
  }

  findApiKey(id: string): Promise<ApiKeyRow | null> {
    return this.prisma.apiKey.findUnique({ where: { id } });
  }

  findApiKeyStates(ids: string[]): Promise<Array<{ id: string; revokedAt: Date | null; expiresAt: Date | null }>> {
    return this.prisma.apiKey.findMany({ where: { id: { in: ids } }, select: { id: true, revokedAt: true, expiresAt: true } });
  }

  findApiKeyByHash(secretHash: string) {
    return this.prisma.apiKey.findUnique({ where: { secretHash }, include: { customer: { include: { plan: true } } } });
  }

  listApiKeys(args: { customerId?: string; mode?: 'live' | 'test'; before?: string; take: number }): Promise<ApiKeyRow[]> {
    return this.prisma.apiKey.findMany({
      where: { customerId: args.customerId, mode: args.mode, ...(args.before ? { id: { lt: args.before } } : {}) },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }

  /** Revocation is idempotent: the first revocation time is kept. */
  async revokeApiKey(id: string, at: Date): Promise<ApiKeyRow> {
    const [revoked] = await this.prisma.apiKey.updateManyAndReturn({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    // Revoked before: as it was.
    return revoked ?? this.prisma.apiKey.findUniqueOrThrow({ where: { id } });
  }

  touchApiKey(id: string, at: Date): Promise<unknown> {
    return this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
  }
}
