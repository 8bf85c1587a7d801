import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { withTimeout } from '../../platform/async';
import type { PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { REDIS } from '../../platform/redis/redis-connection';

const CHECK_TIMEOUT_MS = 2000;

/** Readiness probes of the gateway's dependencies; each reports its latency or why it failed. */
@Injectable()
export class DependencyIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  database() {
    return this.probe('database', () => this.prisma.$queryRawUnsafe('SELECT 1'));
  }

  redisServer() {
    return this.probe('redis', () => this.redis.ping());
  }

  private async probe(key: string, check: () => Promise<unknown>) {
    const session = this.health.check(key);
    const started = performance.now();
    try {
      await withTimeout(check(), CHECK_TIMEOUT_MS, key);
      return session.up({ latency_ms: Math.round(performance.now() - started) });
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
