import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { DeliverJobData, JOBS } from '../../platform/queues/jobs';
import { AttemptOutcome, DeliverWebhookAttempt } from './deliver-webhook-attempt';
import type { ClaimedDelivery } from './webhooks.repository';
import { EndpointSlots } from './endpoint-slots';
import { WebhookDispatcher } from './webhook-dispatcher';

/**
 * How long a job goes on down its lane. A lane's first attempts run one after the other; running the next one
 * in the job that released it, rather than in a job of its own, saves the queue's round trips (add, fetch,
 * complete: three Redis scripts) and its latency on every step. Past this the next step is queued as a job, so
 * the worker's slot and a graceful stop are never held for long.
 */
export const LANE_RUN_MS = 1_000;

/**
 * Runs delivery attempts. Thin: the attempt is claimed and recorded in the database by the use case; a job
 * that must wait (not due yet, or parked behind an older delivery of its lane) is moved back to delayed.
 * Errors (database or Redis down) fail the job; the sweeper queues the delivery again. Each endpoint gets at
 * most its share of the slots (EndpointSlots); a job over it is put off before anything is claimed. An
 * attempt that releases the next delivery of its lane goes on with it (LANE_RUN_MS).
 */
@Processor(JOBS.deliver.queue)
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly deliver: DeliverWebhookAttempt,
    private readonly dispatcher: WebhookDispatcher,
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
    const runUntil = performance.now() + LANE_RUN_MS;
    let current: { deliveryId: string; attempt: number; claimed?: ClaimedDelivery } = { deliveryId, attempt };
    for (;;) {
      const started = performance.now();
      // While the run may go on, the end of each attempt claims the lane's next first attempt in its statement.
      const options = { claimNext: performance.now() < runUntil && !this.worker.closing };
      let outcome: AttemptOutcome;
      try {
        outcome = current.claimed
          ? await this.deliver.attempt(current.claimed, options)
          : await this.deliver.execute(current.deliveryId, current.attempt, options);
      } finally {
        // Each attempt gives its slot back with its latency, as if it had been a job of its own.
        if (endpointId) this.slots.release(endpointId, performance.now() - started);
      }
      if (outcome.kind === 'wait') {
        await job.moveToDelayed(Date.now() + outcome.delayMs, token);
        throw new DelayedError();
      }
      if (outcome.kind === 'done') return;
      const { next, claimed } = outcome;
      // Claimed already, the next attempt is this job's to run; otherwise it runs here while the run may go on.
      if (!claimed && (performance.now() >= runUntil || this.worker.closing)) {
        await this.dispatcher.wake(next, current.deliveryId);
        return;
      }
      // The slot given back above is taken again at once (nothing ran in between): the run keeps its one slot.
      if (endpointId) this.slots.hold(endpointId);
      current = claimed ? { deliveryId: claimed.id, attempt: claimed.attempts, claimed } : { deliveryId: next.id, attempt: 1 };
    }
  }

  /** Redis hiccups surface here; the worker reconnects by itself and the sweeper re-queues what was lost. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'webhook delivery worker error');
  }
}
