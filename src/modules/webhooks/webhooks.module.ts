import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { SecretBox } from '../../platform/crypto/secret-box';
import { QUEUES } from '../../platform/queues/queue-names';
import { ChannelsModule } from '../channels/channels.module';
import { MediaModule } from '../media/media.module';
import { DeliverWebhookAttempt } from './deliver-webhook-attempt';
import { EndpointSlots } from './endpoint-slots';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookLaneRun } from './webhook-lane-run';
import { endpointSecretBox } from './webhook-signing';
import { WebhookDeliveriesController, WebhooksController } from './webhooks.controller';
import { WebhooksMetrics } from './webhooks.metrics';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook endpoints and durable, signed delivery of domain events to them. Needs the global EventsModule
 * (its outbox hooks), QueuesModule, MetricsModule and EgressModule.
 */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.webhookDelivery }), ChannelsModule, MediaModule],
  controllers: [WebhooksController, WebhookDeliveriesController],
  providers: [
    WebhooksRepository,
    WebhooksService,
    WebhookDispatcher,
    DeliverWebhookAttempt,
    WebhookLaneRun,
    WebhookDeliveryProcessor,
    WebhooksMetrics,
    {
      provide: EndpointSlots,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new EndpointSlots(config.webhooks.endpointConcurrency, config.webhooks.concurrency),
    },
    { provide: SecretBox, inject: [APP_CONFIG], useFactory: (config: AppConfig) => endpointSecretBox(config.secrets.webhookSigningSecret) },
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
