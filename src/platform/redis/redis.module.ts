import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { dropStrayRejections } from '../stray-rejections';
import { ABANDONED_REDIS_COMMAND } from './abandoned-commands';
import { createRedisClient, REDIS, REDIS_TARGET, RedisTarget } from './redis-connection';

@Global()
@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(target: RedisTarget): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        { provide: REDIS_TARGET, useValue: target },
        {
          provide: REDIS,
          // Commands fail fast while Redis is down instead of queueing without bound; readiness reports it.
          useFactory: () => {
            dropStrayRejections(ABANDONED_REDIS_COMMAND);
            const client = createRedisClient(target, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
            client.on('error', () => undefined);
            return client;
          },
        },
      ],
      exports: [REDIS, REDIS_TARGET],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
