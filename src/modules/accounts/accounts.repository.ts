import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../../platform/database/database.module';
import { type PrismaClient, SQL, type Sql } from '../../platform/database';

export type CustomerRow = Awaited<ReturnType<PrismaClient['customer']['findUniqueOrThrow']>>;
export type ApiKeyRow = Awaited<ReturnType<PrismaClient['apiKey']['findUniqueOrThrow']>>;
export type PlanRow = Awaited<ReturnType<PrismaClient['plan']['findUniqueOrThrow']>>;

export interface AuthenticatingKey {
  id: string;
  customerId: string;
  mode: ApiKeyRow['mode'];
  channelId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  planId: string;
  channelLimit: number;
  rateLimitBurst: number;
  rateLimitPerSecond: number;
  mediaMaxBytes: number | null;
}

@Injectable()
export class AccountsRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

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

  /**
   * What authenticating a request needs, in one round trip of plain SQL (every API request pays for it;
   * Prisma's `include` would take three).
   */
  async findKeyForAuthentication(secretHash: string): Promise<AuthenticatingKey | null> {
    const rows = await this.sql.query<AuthenticatingKey>(
      `SELECT k.id, k.customer_id AS "customerId", k.mode::text AS mode, k.channel_id AS "channelId",
              k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
              p.id AS "planId", p.channel_limit AS "channelLimit", p.rate_limit_burst AS "rateLimitBurst",
              p.rate_limit_per_second AS "rateLimitPerSecond", p.media_max_bytes AS "mediaMaxBytes"
         FROM api_keys k
         JOIN customers c ON c.id = k.customer_id
         JOIN plans p ON p.id = c.plan_id
        WHERE k.secret_hash = $1`,
      [secretHash],
    );
    return rows[0] ?? null;
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
