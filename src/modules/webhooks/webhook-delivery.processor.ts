import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { DeliverJobData, JOBS, withJitter } from '../../platform/queues/jobs';
import { RunsBesideWorker } from '../../platform/queues/runs-beside-worker';
import { EndpointSlots } from './endpoint-slots';
import { FirstAttemptHandOff, WebhookDispatcher } from './webhook-dispatcher';
import { LANE_RUN_MS, WebhookLaneRun } from './webhook-lane-run';
import type { QueuedDelivery } from './webhooks.repository';

/** How long a job that found every slot of the process taken waits before it is looked at again. */
const SHARED_SLOT_WAIT_MS = 50;

/**
 * Runs delivery attempts: queued jobs, and first attempts started at their commit. Thin: the attempt is
 * claimed and recorded in the database by the use case; a job that must wait (not due yet) is moved back to
 * delayed. Errors (database or Redis down) fail the job; the sweeper queues the delivery again. Each endpoint
 * gets at most its share of the slots (EndpointSlots); a job over it is put off before anything is claimed.
 * A first attempt written by this process starts at its commit when a slot is free, its endpoint's included,
 * and the queue has nothing waiting (RunsBesideWorker); a job that finds every slot of the process taken by
 * such runs is put off, so that WEBHOOK_CONCURRENCY holds exactly.
 */
@Processor(JOBS.deliver.queue)
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown, FirstAttemptHandOff {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly runs: RunsBesideWorker;

  constructor(
    private readonly laneRun: WebhookLaneRun,
    private readonly dispatcher: WebhookDispatcher,
    private readonly slots: EndpointSlots,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
    this.runs = new RunsBesideWorker(() => this.worker, config.webhooks.concurrency);
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhooks.concurrency;
    this.dispatcher.handFirstAttemptsTo(this);
  }

  /** Runs at commit end (their lanes stop at the next step) before the queue and the database close. */
  beforeApplicationShutdown(): Promise<void> {
    return this.runs.stop(this.config.webhooks.attemptTimeoutMs + LANE_RUN_MS);
  }

  process(job: Job<DeliverJobData>, token?: string): Promise<void> {
    return this.runs.job(async () => {
      const { deliveryId, attempt, endpointId } = job.data;
      // A fetch that was under way when runs at commit took the last slots: put off, so they stay shared.
      if (this.runs.overCapacity()) {
        await job.moveToDelayed(Date.now() + withJitter(SHARED_SLOT_WAIT_MS), token);
        throw new DelayedError();
      }
      if (endpointId) {
        // Every slot of its endpoint is taken: put off without touching the database, the slot kept for others.
        const slot = this.slots.take(endpointId, JOBS.deliver.jobId(deliveryId, attempt));
        if (!slot.taken) {
          await job.moveToDelayed(Date.now() + slot.waitMs, token);
          throw new DelayedError();
        }
      }
      const end = await this.laneRun.run({ deliveryId, attempt }, endpointId, () => Boolean(this.worker.closing));
      if (end.kind === 'wait') {
        await job.moveToDelayed(Date.now() + end.delayMs, token);
        throw new DelayedError();
      }
    });
  }

  /**
   * Starts the first attempt of a delivery just committed, if this process has a slot free for it now; says
   * whether it did (if not, the caller queues it). Never waits: the producer that committed goes on at once.
   */
  runNow(delivery: QueuedDelivery): boolean {
    if (!this.runs.hasRoom() || !this.slots.tryTake(delivery.endpointId)) return false;
    const stopping = () => this.runs.stopped || Boolean(this.worker.closing);
    this.runs.start(
      async () => {
        const end = await this.laneRun.run({ deliveryId: delivery.id, attempt: 1 }, delivery.endpointId, stopping);
        // Not reached today: a first attempt is due from the start.
        if (end.kind === 'wait') await this.dispatcher.enqueueAttempt(delivery, 1, end.delayMs);
      },
      (error) => this.logger.warn({ err: error, delivery_id: delivery.id }, 'a webhook attempt failed to run; the sweeper sends it again'),
    );
    return true;
  }

  @OnWorkerEvent('drained')
  onDrained(): void {
    this.runs.drained();
  }

  /** Redis hiccups surface here; the worker reconnects by itself and the sweeper re-queues what was lost. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'webhook delivery worker error');
  }
}
