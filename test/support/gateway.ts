import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import Redis from 'ioredis';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/platform/config/app-config';
import { loadConfig } from '../../src/platform/config/load-config';
import type { PrismaClient } from '../../src/platform/database';
import { AccountsService } from '../../src/modules/accounts/accounts.service';
import { AuditService } from '../../src/modules/audit/audit.service';
import type { SimulatorApi, WhatsAppSimulator } from '../../src/simulator';
import { SandboxNetwork } from '../../src/engine/sandbox/sandbox-network';
import { testRedisUrl } from './test-services';

export const TEST_REDIS_URL = testRedisUrl();

/**
 * The environment of a test gateway: its own data directory, Redis key prefix and secrets, quiet logs, and
 * short timings (webhook retries, sweeps, reconnects) so that what takes minutes in production takes a test
 * a second. A setting not named here has the gateway's default.
 */
export function testEnvironment(dataDir: string): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    DATA_DIR: dataDir,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `wiu-test-${randomBytes(6).toString('hex')}:`,
    MIGRATE_ON_START: 'false',
    SESSION_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    MEDIA_SIGNING_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: `test_admin_${randomBytes(16).toString('hex')}`,
    LOG_LEVEL: 'silent',
    WEBHOOK_ATTEMPT_TIMEOUT_MS: '2000',
    WEBHOOK_RETRY_SCHEDULE_MS: '100,200,400,800',
    WEBHOOK_SWEEP_INTERVAL_MS: '500',
    WEBHOOK_CONCURRENCY: '16',
    MESSAGE_SWEEP_INTERVAL_MS: '500',
    MEDIA_MAX_BYTES: String(10 * 1024 * 1024),
    MEDIA_FETCH_TIMEOUT_MS: '5000',
    RECONNECT_BASE_DELAY_MS: '200',
    RECONNECT_MAX_DELAY_MS: '2000',
    RECONNECT_MAX_ATTEMPTS: '5',
  };
}

/** A gateway configuration for a test, parsed by the gateway's own loadConfig from testEnvironment(). */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-test-'));
  return { ...loadConfig(testEnvironment(dataDir)), ...overrides };
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

  async newKey(input: {
    customerId: string;
    mode?: 'live' | 'test';
    channelId?: string;
    expiresAt?: string;
  }): Promise<{ id: string; key: string }> {
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
  simulator(): Promise<SimulatorApi> {
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
