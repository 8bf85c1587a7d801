import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import Redis from 'ioredis';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/platform/config/app-config';
import type { PrismaClient } from '../../src/platform/database';
import { AccountsService } from '../../src/modules/accounts/accounts.service';
import { AuditService } from '../../src/modules/audit/audit.service';
import type { WhatsAppSimulator } from '../../src/simulator';
import { SandboxNetwork } from '../../src/engine/sandbox/sandbox-network';
import { testRedisUrl } from './test-services';

export const TEST_REDIS_URL = testRedisUrl();

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-test-'));
  return {
    env: 'test',
    host: '127.0.0.1',
    port: 0,
    publicBaseUrl: 'http://127.0.0.1',
    dataDir,
    redisUrl: TEST_REDIS_URL,
    redisKeyPrefix: `wiu-test-${randomBytes(6).toString('hex')}:`,
    migrateOnStart: false,
    secrets: {
      sessionEncryptionKey: randomBytes(32),
      mediaSigningSecret: randomBytes(32).toString('hex'),
      webhookSigningSecret: randomBytes(32).toString('hex'),
      adminToken: `test_admin_${randomBytes(16).toString('hex')}`,
    },
    logLevel: 'silent',
    bodyLimit: '1mb',
    trustProxy: false,
    egressAllowedHosts: [],
    webhooks: { attemptTimeoutMs: 2_000, retryScheduleMs: [100, 200, 400, 800], sweepIntervalMs: 500, concurrency: 16 },
    messages: { clientRefWindowHours: 24, sendWaitMs: 1_500, sweepIntervalMs: 500 },
    media: { maxBytes: 10 * 1024 * 1024, fetchTimeoutMs: 5_000, urlTtlSeconds: 900, retentionDays: 30, storage: { kind: 'local' } },
    defaultPlan: 'free',
    maxSessionsPerWorker: 1000,
    sseMaxStreamsPerKey: 5,
    sessionKeepAliveMs: 25_000,
    waVersion: 'default',
    reconnect: { baseDelayMs: 200, maxDelayMs: 2_000, maxAttempts: 5 },
    replacedLimit: 3,
    ...overrides,
  };
}

/** A running gateway on a test database, with factories for the accounts a test needs. */
export class TestGateway {
  private constructor(
    readonly app: INestApplication,
    readonly prisma: PrismaClient,
    readonly config: AppConfig,
  ) {}

  static async start(
    prisma: PrismaClient,
    overrides: Partial<AppConfig> = {},
    redisUrl = TEST_REDIS_URL,
    runtime: { sandboxSimulator?: WhatsAppSimulator } = {},
  ): Promise<TestGateway> {
    const config = testConfig({ redisUrl, ...overrides });
    const app = await createApp({ config, prisma, redis: { url: redisUrl }, ...runtime });
    return new TestGateway(app, prisma, config);
  }

  get http() {
    return request(this.app.getHttpServer());
  }

  get adminToken(): string {
    return this.config.secrets.adminToken;
  }

  async newCustomer(input: { name?: string; plan?: string } = {}): Promise<{ id: string }> {
    return this.app.get(AccountsService).createCustomer({ name: input.name ?? 'Acme', plan: input.plan });
  }

  async newKey(input: { customerId: string; mode?: 'live' | 'test'; channelId?: string; expiresAt?: string }): Promise<{ id: string; key: string }> {
    return this.app.get(AccountsService).createApiKey({
      customer_id: input.customerId,
      mode: input.mode ?? 'test',
      channel_id: input.channelId,
      expires_at: input.expiresAt,
    });
  }

  /** A customer with one test key: the usual starting point. */
  async newAccount(input: { plan?: string } = {}): Promise<{ customerId: string; key: string; keyId: string }> {
    const customer = await this.newCustomer({ plan: input.plan });
    const key = await this.newKey({ customerId: customer.id });
    return { customerId: customer.id, key: key.key, keyId: key.id };
  }

  /** The sandbox WhatsApp network this gateway's test channels are on. */
  simulator(): Promise<WhatsAppSimulator> {
    return this.app.get(SandboxNetwork).simulator();
  }

  flushAudit(): Promise<void> {
    return this.app.get(AuditService).flush();
  }

  async close(): Promise<void> {
    await this.flushAudit();
    await this.app.close();
    await deleteRedisPrefix(this.config.redisKeyPrefix);
  }
}

export async function deleteRedisPrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
