import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { DeliverJobData, JOBS } from '../../platform/queues/jobs';
import { AttemptOutcome, DeliverWebhookAttempt } from './deliver-webhook-attempt';
import { EndpointSlots } from './endpoint-slots';

/**
 * Runs delivery attempts. Thin: the attempt is claimed and recorded in the database by the use case; a job
 * that must wait (not due yet, or parked behind an older delivery of its lane) is moved back to delayed.
 * Errors (database or Redis down) fail the job; the sweeper queues the delivery again. Each endpoint gets at
 * most its share of the slots (EndpointSlots); a job over it is put off before anything is claimed.
 */
@Processor(JOBS.deliver.queue)
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly deliver: DeliverWebhookAttempt,
    private readonly slots: EndpointSlots,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhooks.concurrency;
  }

  async process(job: Job<DeliverJobData>, token?: string): Promise<void> {
    const { deliveryId, attempt, endpointId } = job.data;
    if (endpointId) {
      // Every slot of its endpoint is taken: put off without touching the database, the slot kept for others.
      const slot = this.slots.take(endpointId, JOBS.deliver.jobId(deliveryId, attempt));
      if (!slot.taken) {
        await job.moveToDelayed(Date.now() + slot.waitMs, token);
        throw new DelayedError();
      }
    }
    const started = performance.now();
    let outcome: AttemptOutcome;
    try {
      outcome = await this.deliver.execute(deliveryId, attempt);
    } finally {
      if (endpointId) this.slots.release(endpointId, performance.now() - started);
    }
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
