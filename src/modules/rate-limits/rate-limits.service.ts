import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { REDIS } from '../../platform/redis/redis-connection';
import { ApiKeyPrincipal } from '../auth/principal';
import { BucketState, TokenBucket } from './token-bucket';

/** Per-API-key request budgets, shared by every gateway process through Redis. */
@Injectable()
export class RateLimitsService {
  private readonly bucket: TokenBucket;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.bucket = new TokenBucket(redis);
  }

  consume(principal: ApiKeyPrincipal): Promise<BucketState> {
    return this.bucket.take(this.keyOf(principal), this.policyOf(principal), 1);
  }

  peek(principal: ApiKeyPrincipal): Promise<BucketState> {
    return this.bucket.take(this.keyOf(principal), this.policyOf(principal), 0);
  }

  writeHeaders(response: Response, state: BucketState): void {
    response.setHeader('X-RateLimit-Limit', String(state.limit));
    response.setHeader('X-RateLimit-Remaining', String(state.remaining));
    response.setHeader('X-RateLimit-Reset', String(state.resetSeconds));
  }

  private keyOf(principal: ApiKeyPrincipal): string {
    return `${this.config.redisKeyPrefix}ratelimit:${principal.apiKeyId}`;
  }

  private policyOf(principal: ApiKeyPrincipal) {
    return { burst: principal.plan.rateLimitBurst, perSecond: principal.plan.rateLimitPerSecond };
  }
}
