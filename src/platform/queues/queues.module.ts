import { BullModule } from '@nestjs/bullmq';
import type { ConnectionOptions } from 'bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { redisOptions, RedisTarget } from '../redis/redis-connection';

/**
 * BullMQ on the gateway's Redis. Queue keys live under `<REDIS_KEY_PREFIX>bull`, so tests (each with its own
 * prefix) and several gateways on one Redis never see each other's jobs. Modules register their queues with
 * `BullModule.registerQueue({ name: QUEUES.x })`.
 */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(config: AppConfig, target: RedisTarget): DynamicModule {
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRoot({
          // BullMQ needs maxRetriesPerRequest: null on its blocking connections.
          connection: redisOptions(target, { maxRetriesPerRequest: null }) as ConnectionOptions,
          prefix: `${config.redisKeyPrefix}bull`,
        }),
      ],
      exports: [BullModule],
    };
  }
}
