import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { DeliverJobData, JOBS } from '../../platform/queues/jobs';
import { DeliverWebhookAttempt } from './deliver-webhook-attempt';

/**
 * Runs delivery attempts. Thin: the attempt is claimed and recorded in the database by the use case; a job
 * that must wait (not due yet, or parked behind an older delivery of its lane) is moved back to delayed.
 * Errors (database or Redis down) fail the job; the sweeper queues the delivery again.
 */
@Processor(JOBS.deliver.queue)
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly deliver: DeliverWebhookAttempt,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhooks.concurrency;
  }

  async process(job: Job<DeliverJobData>, token?: string): Promise<void> {
    const outcome = await this.deliver.execute(job.data.deliveryId, job.data.attempt);
    if (outcome.kind === 'wait') {
      await job.moveToDelayed(Date.now() + outcome.delayMs, token);
      throw new DelayedError();
    }
  }

  /** Redis hiccups surface here; the worker reconnects by itself and the sweeper re-queues what was lost. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'webhook delivery worker error');
  }
}
