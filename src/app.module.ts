import { DynamicModule, Module } from '@nestjs/common';
import { EVENT_CATALOGUE } from './event-catalogue';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { RequestGuard } from './app.guard';
import { RequestShape } from './platform/http/request-shape';
import { AppConfig } from './platform/config/app-config';
import { ConfigModule } from './platform/config/config.module';
import type { PrismaClient } from './platform/database';
import { DatabaseModule } from './platform/database/database.module';
import { ErrorsModule } from './platform/http/errors.module';
import { AppValidationPipe } from './platform/http/validation.pipe';
import { LoggingModule } from './platform/logging/logging.module';
import { MetricsModule } from './platform/metrics/metrics.module';
import { RedisTarget } from './platform/redis/redis-connection';
import { RedisModule } from './platform/redis/redis.module';
import { QueuesModule } from './platform/queues/queues.module';
import { EgressModule } from './platform/egress/egress.module';
import { EngineModule } from './engine/engine.module';
import type { WhatsAppSimulator } from './simulator';
import { AccountsModule } from './modules/accounts/accounts.module';
import { ChannelsModule } from './modules/channels/channels.module';
import { SandboxModule } from './modules/sandbox/sandbox.module';
import { MessagesModule } from './modules/messages/messages.module';
import { ChatsModule } from './modules/chats/chats.module';
import { LabelsModule } from './modules/labels/labels.module';
import { BusinessModule } from './modules/business/business.module';
import { ContactsModule } from './modules/contacts/contacts.module';
import { BlocklistModule } from './modules/blocklist/blocklist.module';
import { PrivacyModule } from './modules/privacy/privacy.module';
import { ProfileModule } from './modules/profile/profile.module';
import { GroupsModule } from './modules/groups/groups.module';
import { NewslettersModule } from './modules/newsletters/newsletters.module';
import { CommunitiesModule } from './modules/communities/communities.module';
import { CallsModule } from './modules/calls/calls.module';
import { PresenceModule } from './modules/presence/presence.module';
import { StoriesModule } from './modules/stories/stories.module';
import { AdminModule } from './modules/admin/admin.module';
import { DashboardModule } from './modules/dashboard/dashboard.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { EventsModule } from './modules/events/events.module';
import { EventStreamModule } from './modules/event-stream/event-stream.module';
import { HealthModule } from './modules/health/health.module';
import { RateLimitsModule } from './modules/rate-limits/rate-limits.module';
import { SupportModule } from './modules/support/support.module';
import { MediaModule } from './modules/media/media.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { WorkersModule } from './modules/workers/workers.module';

/** What the application runs on, resolved before it is built (database migrated, Redis reachable). */
export interface AppRuntime {
  config: AppConfig;
  prisma: PrismaClient;
  redis: RedisTarget;
  /**
   * A WhatsApp simulator to use as the sandbox network instead of starting one in this application,
   * e.g. one that outlives several application instances in a test or benchmark.
   */
  sandboxSimulator?: WhatsAppSimulator;
}

@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(runtime.config),
        LoggingModule.forRoot(runtime.config.logLevel),
        DatabaseModule.forRoot(runtime.prisma),
        RedisModule.forRoot(runtime.redis),
        QueuesModule.forRoot(runtime.config, runtime.redis),
        ErrorsModule,
        MetricsModule,
        EgressModule,
        AuthModule.forRoot({ keysFrom: AccountsModule }),
        RateLimitsModule,
        AuditModule,
        EventsModule.forRoot(EVENT_CATALOGUE),
        // Express tries routes in the order they were registered, one pattern after another, and Nest registers
        // a module's routes in the order modules are first imported: the send route, the hottest, goes first.
        MessagesModule,
        AccountsModule,
        AdminModule,
        WorkersModule,
        HealthModule,
        SupportModule,
        WebhooksModule,
        EngineModule.forRoot(runtime.sandboxSimulator),
        ChannelsModule,
        MediaModule,
        SandboxModule,
        ChatsModule,
        LabelsModule,
        BusinessModule,
        ContactsModule,
        ProfileModule,
        PrivacyModule,
        BlocklistModule,
        GroupsModule,
        NewslettersModule,
        CommunitiesModule,
        CallsModule,
        PresenceModule,
        StoriesModule,
        EventStreamModule,
        DashboardModule,
      ],
      providers: [
        // One global guard that runs authentication, the rate limit and the request's shape in that order (see RequestGuard).
        { provide: APP_GUARD, useClass: RequestGuard },
        RequestShape,
        { provide: APP_PIPE, useClass: AppValidationPipe },
      ],
    };
  }
}
