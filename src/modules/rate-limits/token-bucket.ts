import Redis from 'ioredis';

/**
 * A token bucket kept in one Redis hash per key, updated by one Lua script so that any number of gateway
 * processes share it atomically; the clock is Redis' own (TIME), so processes with skewed clocks agree.
 * cost = 0 reads the bucket without writing it (a peek).
 *
 * Why a script rather than rate-limiter-flexible: that library offers fixed and rolling windows (and a
 * "bursty" union of two windows), none of which refills continuously at a rate after a burst, which is the
 * behaviour the API documents: a full burst of N, then one more request per 1/rate seconds.
 */
const SCRIPT = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
end
tokens = math.min(tokens, burst)
local allowed = 1
if cost > 0 then
  if tokens >= cost then
    tokens = tokens - cost
  else
    allowed = 0
  end
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
end
return { allowed, tostring(tokens) }
`;

export interface BucketPolicy {
  burst: number;
  perSecond: number;
}

export interface BucketState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until `cost` tokens are available; 0 when allowed. */
  retryAfterSeconds: number;
}

type RedisWithBucket = Redis & {
  tokenBucket(key: string, burst: number, perSecond: number, cost: number): Promise<[number, string]>;
};

export class TokenBucket {
  private readonly redis: RedisWithBucket;

  constructor(redis: Redis) {
    if (!('tokenBucket' in redis)) redis.defineCommand('tokenBucket', { numberOfKeys: 1, lua: SCRIPT });
    this.redis = redis as RedisWithBucket;
  }

  async take(key: string, policy: BucketPolicy, cost = 1): Promise<BucketState> {
    const [allowed, tokensText] = await this.redis.tokenBucket(key, policy.burst, policy.perSecond, cost);
    const tokens = Number(tokensText);
    const missing = Math.max(0, Math.max(cost, 1) - tokens);
    return {
      allowed: allowed === 1,
      limit: policy.burst,
      remaining: Math.max(0, Math.floor(tokens)),
      resetSeconds: Math.ceil((policy.burst - tokens) / policy.perSecond),
      retryAfterSeconds: allowed === 1 && cost > 0 ? 0 : Math.max(1, Math.ceil(missing / policy.perSecond)),
    };
  }
}
