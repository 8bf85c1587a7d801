import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { createRedisClient } from '../../src/platform/redis/redis-connection';
import { TokenBucket } from '../../src/modules/rate-limits/token-bucket';
import { testRedisUrl } from '../support/test-services';

/**
 * The bucket's script on the real Redis. It reads the time from Redis (TIME), so time passing is simulated
 * by moving the bucket's last-update stamp back: the script sees exactly that much time since its last write.
 * The policies refill slowly enough (per 100 s or slower) that the milliseconds the test itself takes add
 * nothing that shows.
 */
describe(`${TokenBucket.name} on Redis`, () => {
  let redis: Redis;
  let bucket: TokenBucket;
  const prefix = `test:token-bucket:${randomUUID()}:`;
  let n = 0;
  const newKey = () => `${prefix}${++n}`;

  async function goBack(key: string, ms: number): Promise<void> {
    const ts = Number(await redis.hget(key, 'ts'));
    await redis.hset(key, 'ts', String(ts - ms));
  }

  async function drain(key: string, policy: { burst: number; perSecond: number }): Promise<void> {
    for (let i = 0; i < policy.burst; i++) expect((await bucket.take(key, policy)).allowed).toBe(true);
  }

  beforeAll(() => {
    redis = createRedisClient({ url: testRedisUrl() });
    bucket = new TokenBucket(redis);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('starts full and allows a burst of its size, then refuses with zero remaining', async () => {
    const key = newKey();
    const policy = { burst: 5, perSecond: 0.01 };
    const states = [];
    for (let i = 0; i < 5; i++) states.push(await bucket.take(key, policy));
    expect(states.map((s) => [s.allowed, s.remaining])).toEqual([
      [true, 4],
      [true, 3],
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    await expect(bucket.take(key, policy)).resolves.toStrictEqual({
      allowed: false,
      limit: 5,
      remaining: 0,
      resetSeconds: 500,
      retryAfterSeconds: 100,
    });
  });

  it('refills continuously at its rate', async () => {
    const key = newKey();
    const policy = { burst: 5, perSecond: 0.01 };
    await drain(key, policy);
    await goBack(key, 255_500); // 2.555 tokens
    await expect(bucket.take(key, policy)).resolves.toMatchObject({ allowed: true, remaining: 1 });
    await expect(bucket.take(key, policy)).resolves.toMatchObject({ allowed: true, remaining: 0 });
    // 0.555 of a token left: 44.5 s more to the next one
    await expect(bucket.take(key, policy)).resolves.toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 45 });
  });

  it('keeps the fraction of a token a refused request saw, and allows once it adds up to one', async () => {
    const key = newKey();
    const policy = { burst: 2, perSecond: 0.005 }; // one token per 200 s
    await drain(key, policy);
    await goBack(key, 90_500); // 0.4525 of a token: 109.5 s to go
    await expect(bucket.take(key, policy)).resolves.toMatchObject({ allowed: false, retryAfterSeconds: 110 });
    await goBack(key, 110_000);
    await expect(bucket.take(key, policy)).resolves.toMatchObject({ allowed: true, remaining: 0 });
  });

  it('caps a long idle bucket at its burst', async () => {
    const key = newKey();
    const policy = { burst: 3, perSecond: 0.01 };
    await drain(key, policy);
    await goBack(key, 24 * 3600_000);
    await expect(bucket.take(key, policy)).resolves.toMatchObject({ allowed: true, remaining: 2 });
    await expect(bucket.take(key, policy, 0)).resolves.toMatchObject({ remaining: 2, resetSeconds: 100 });
  });

  it('caps the tokens at a burst lowered since the last request', async () => {
    const key = newKey();
    await bucket.take(key, { burst: 10, perSecond: 0.01 });
    await expect(bucket.take(key, { burst: 4, perSecond: 0.01 })).resolves.toMatchObject({ allowed: true, limit: 4, remaining: 3 });
  });

  it('peeks without writing: a fresh bucket stays unwritten, a used one keeps its tokens', async () => {
    const key = newKey();
    const policy = { burst: 5, perSecond: 0.01 };
    await expect(bucket.take(key, policy, 0)).resolves.toMatchObject({ allowed: true, remaining: 5, resetSeconds: 0 });
    expect(await redis.exists(key)).toBe(0);
    await bucket.take(key, policy);
    const before = await redis.hgetall(key);
    for (let i = 0; i < 3; i++) await expect(bucket.take(key, policy, 0)).resolves.toMatchObject({ allowed: true, remaining: 4 });
    expect(await redis.hgetall(key)).toEqual(before);
  });

  it('expires a bucket once it would have refilled, plus a second', async () => {
    const key = newKey();
    await bucket.take(key, { burst: 5, perSecond: 0.01 });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(500_000);
    expect(ttl).toBeLessThanOrEqual(501_000);
  });

  it('keeps one bucket per key', async () => {
    const a = newKey();
    const b = newKey();
    const policy = { burst: 2, perSecond: 0.01 };
    await drain(a, policy);
    await expect(bucket.take(b, policy)).resolves.toMatchObject({ allowed: true, remaining: 1 });
  });
});
