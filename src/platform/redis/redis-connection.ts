import Redis, { RedisOptions } from 'ioredis';

/** Where Redis is: a URL, or a unix socket of a redis-server the gateway started itself. */
export type RedisTarget = { url: string } | { socketPath: string };

export const REDIS = Symbol('REDIS');
export const REDIS_TARGET = Symbol('REDIS_TARGET');

export function describeRedisTarget(target: RedisTarget): string {
  return 'url' in target ? target.url.replace(/\/\/[^@/]*@/, '//***@') : `unix:${target.socketPath}`;
}

/** Options for ioredis (and BullMQ, which takes the same shape). */
export function redisOptions(target: RedisTarget, extra: RedisOptions = {}): RedisOptions {
  if ('socketPath' in target) return { path: target.socketPath, ...extra };
  const url = new URL(target.url);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    ...extra,
  };
}

export function createRedisClient(target: RedisTarget, extra: RedisOptions = {}): Redis {
  return new Redis(redisOptions(target, extra));
}

/** One PING with a short deadline; used at boot to decide whether Redis is reachable. */
export async function pingRedis(target: RedisTarget, timeoutMs = 1500): Promise<boolean> {
  const client = createRedisClient(target, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
