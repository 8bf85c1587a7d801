import type Redis from 'ioredis';
import { TokenBucket } from './token-bucket';

/**
 * The arithmetic on the script's answer. The script itself (refill, burst cap, peek) runs in Redis and is
 * covered on the real server in test/foundation/token-bucket.spec.ts; here ioredis' custom command answers
 * with what the script would: whether the cost was taken, and the tokens left as text.
 */
function bucketAnswering(allowed: 0 | 1, tokens: string) {
  const tokenBucket = jest.fn(
    async (_key: string, _burst: number, _perSecond: number, _cost: number) => [allowed, tokens] as [number, string],
  );
  return { bucket: new TokenBucket({ tokenBucket } as unknown as Redis), tokenBucket };
}

describe(TokenBucket.name, () => {
  describe('constructor', () => {
    it('defines the script as a one-key command once per connection', () => {
      const defineCommand = jest.fn(function (this: Record<string, unknown>, name: string) {
        this[name] = jest.fn();
      });
      const redis = { defineCommand } as unknown as Redis;
      new TokenBucket(redis);
      new TokenBucket(redis);
      expect(defineCommand).toHaveBeenCalledTimes(1);
      expect(defineCommand).toHaveBeenCalledWith('tokenBucket', { numberOfKeys: 1, lua: expect.stringContaining("redis.call('TIME')") });
    });
  });

  describe('take', () => {
    it('asks the script for the key, the policy and one token by default', async () => {
      const { bucket, tokenBucket } = bucketAnswering(1, '59');
      await bucket.take('rl:key', { burst: 60, perSecond: 1 });
      await bucket.take('rl:key', { burst: 60, perSecond: 1 }, 0);
      expect(tokenBucket.mock.calls).toEqual([
        ['rl:key', 60, 1, 1],
        ['rl:key', 60, 1, 0],
      ]);
    });

    it('reports an allowed request with what is left and when the bucket is full again', async () => {
      const { bucket } = bucketAnswering(1, '59');
      await expect(bucket.take('k', { burst: 60, perSecond: 1 })).resolves.toStrictEqual({
        allowed: true,
        limit: 60,
        remaining: 59,
        resetSeconds: 1,
        retryAfterSeconds: 0,
      });
    });

    it('rounds a fractional remainder down and the time to full up', async () => {
      const { bucket } = bucketAnswering(1, '2.75');
      await expect(bucket.take('k', { burst: 5, perSecond: 0.5 })).resolves.toStrictEqual({
        allowed: true,
        limit: 5,
        remaining: 2,
        resetSeconds: 5, // 2.25 tokens at 0.5/s = 4.5 s
        retryAfterSeconds: 0,
      });
    });

    it('reports a full bucket as resetting now', async () => {
      const { bucket } = bucketAnswering(1, '10');
      await expect(bucket.take('k', { burst: 10, perSecond: 2 }, 0)).resolves.toMatchObject({ remaining: 10, resetSeconds: 0 });
    });

    it('refuses with zero remaining and the time until the missing part of a token has refilled', async () => {
      const { bucket } = bucketAnswering(0, '0.25');
      await expect(bucket.take('k', { burst: 5, perSecond: 0.5 })).resolves.toStrictEqual({
        allowed: false,
        limit: 5,
        remaining: 0,
        resetSeconds: 10, // 4.75 tokens at 0.5/s = 9.5 s
        retryAfterSeconds: 2, // 0.75 of a token at 0.5/s = 1.5 s
      });
    });

    it('refuses an empty bucket until a whole token has refilled', async () => {
      const { bucket } = bucketAnswering(0, '0');
      await expect(bucket.take('k', { burst: 3, perSecond: 0.5 })).resolves.toMatchObject({
        allowed: false,
        remaining: 0,
        resetSeconds: 6,
        retryAfterSeconds: 2,
      });
    });

    it('asks for at least one second, the smallest Retry-After, even when the token is a few milliseconds away', async () => {
      const fast = bucketAnswering(0, '0.5');
      await expect(fast.bucket.take('k', { burst: 100, perSecond: 10 })).resolves.toMatchObject({ retryAfterSeconds: 1 });
      const almost = bucketAnswering(0, '0.999');
      await expect(almost.bucket.take('k', { burst: 60, perSecond: 1 })).resolves.toMatchObject({ retryAfterSeconds: 1, remaining: 0 });
    });

    it('waits long for a slow refill (one token in 1,000 s)', async () => {
      const { bucket } = bucketAnswering(0, '0');
      await expect(bucket.take('k', { burst: 60, perSecond: 0.001 })).resolves.toStrictEqual({
        allowed: false,
        limit: 60,
        remaining: 0,
        resetSeconds: 60_000,
        retryAfterSeconds: 1000,
      });
    });

    it('waits for the whole cost when one request costs several tokens', async () => {
      const { bucket } = bucketAnswering(0, '1');
      await expect(bucket.take('k', { burst: 10, perSecond: 1 }, 3)).resolves.toMatchObject({
        allowed: false,
        remaining: 1,
        retryAfterSeconds: 2,
      });
    });

    it('reads a peek at an empty bucket as allowed, with the time until the next token', async () => {
      const { bucket } = bucketAnswering(1, '0.5');
      await expect(bucket.take('k', { burst: 4, perSecond: 0.25 }, 0)).resolves.toStrictEqual({
        allowed: true,
        limit: 4,
        remaining: 0,
        resetSeconds: 14, // 3.5 tokens at 0.25/s
        retryAfterSeconds: 2, // half a token at 0.25/s
      });
    });

    it('reads the tiny remainders Lua prints in exponent form', async () => {
      const { bucket } = bucketAnswering(0, '1e-05');
      await expect(bucket.take('k', { burst: 2, perSecond: 1 })).resolves.toMatchObject({
        remaining: 0,
        resetSeconds: 2,
        retryAfterSeconds: 1,
      });
    });
  });
});
