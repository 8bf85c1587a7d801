import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { settlesWithin } from '../../platform/async';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { DeliverJobData, JOBS, withJitter } from '../../platform/queues/jobs';
import { EndpointSlots } from './endpoint-slots';
import { FirstAttemptHandOff, WebhookDispatcher } from './webhook-dispatcher';
import { LANE_RUN_MS, WebhookLaneRun } from './webhook-lane-run';
import type { QueuedDelivery } from './webhooks.repository';

/** How long a job that found every slot of the process taken waits before it is looked at again. */
const SHARED_SLOT_WAIT_MS = 50;

/**
 * Runs delivery attempts: queued jobs, and first attempts handed over at their commit. Thin: the attempt is
 * claimed and recorded in the database by the use case; a job that must wait (not due yet) is moved back to
 * delayed. Errors (database or Redis down) fail the job; the sweeper queues the delivery again. Each endpoint
 * gets at most its share of the slots (EndpointSlots); a job over it is put off before anything is claimed.
 *
 * A first attempt written by this process starts at its commit when this process has a slot free for it, its
 * endpoint's included, and the queue has nothing waiting (the worker found it empty since it last took a job,
 * so a backlog is never overtaken): it skips the queue's add, fetch and complete (three Redis round trips and
 * the wait behind them, most of a delivery's latency under load). Such runs and jobs share
 * WEBHOOK_CONCURRENCY: while runs hold slots the worker fetches jobs only for the others, and a job that finds
 * none free is put off. Everything else goes through the queue; a run lost with its process is sent again by
 * the sweeper, like a lost job.
 */
@Processor(JOBS.deliver.queue)
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown, FirstAttemptHandOff {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private jobsRunning = 0;
  /** Since the worker last found the queue empty, it has taken a job: what waits there goes first. */
  private queueHasWork = false;
  /** First attempts handed over at their commit, running (each with its lane's run). */
  private readonly runsAtCommit = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly laneRun: WebhookLaneRun,
    private readonly dispatcher: WebhookDispatcher,
    private readonly slots: EndpointSlots,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhooks.concurrency;
    this.dispatcher.handFirstAttemptsTo(this);
  }

  /** Runs at commit end (their lanes stop at the next step) before the queue and the database close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await settlesWithin(Promise.all(this.runsAtCommit), this.config.webhooks.attemptTimeoutMs + LANE_RUN_MS);
  }

  async process(job: Job<DeliverJobData>, token?: string): Promise<void> {
    this.jobsRunning += 1;
    this.queueHasWork = true;
    try {
      const { deliveryId, attempt, endpointId } = job.data;
      // A fetch that was under way when runs at commit took the last slots: put off, so they stay shared.
      if (this.jobsRunning + this.runsAtCommit.size > this.config.webhooks.concurrency) {
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
    } finally {
      this.jobsRunning -= 1;
    }
  }

  /**
   * Starts the first attempt of a delivery just committed, if this process has a slot free for it now; says
   * whether it did (if not, the caller queues it). Never waits: the producer that committed goes on at once.
   */
  runNow(delivery: QueuedDelivery): boolean {
    const worker = this.worker;
    if (this.stopping || this.queueHasWork || worker.closing || !worker.isRunning() || worker.isPaused()) return false;
    if (this.jobsRunning + this.runsAtCommit.size >= this.config.webhooks.concurrency) return false;
    if (!this.slots.tryTake(delivery.endpointId)) return false;
    const run: Promise<void> = this.laneRun
      .run({ deliveryId: delivery.id, attempt: 1 }, delivery.endpointId, () => this.stopping || Boolean(worker.closing))
      // Not reached today: a first attempt is due from the start.
      .then((end) => (end.kind === 'wait' ? this.dispatcher.enqueueAttempt(delivery, 1, end.delayMs) : undefined))
      .catch((error: unknown) =>
        this.logger.warn({ err: error, delivery_id: delivery.id }, 'a webhook attempt failed to run; the sweeper sends it again'),
      )
      .finally(() => {
        this.runsAtCommit.delete(run);
        this.fitWorker();
      });
    this.runsAtCommit.add(run);
    this.fitWorker();
    return true;
  }

  /** The worker's concurrency: the slots the runs at commit leave (at least one, BullMQ's minimum). */
  private fitWorker(): void {
    this.worker.concurrency = Math.max(1, this.config.webhooks.concurrency - this.runsAtCommit.size);
  }

  @OnWorkerEvent('drained')
  onDrained(): void {
    this.queueHasWork = false;
  }

  /** Redis hiccups surface here; the worker reconnects by itself and the sweeper re-queues what was lost. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'webhook delivery worker error');
  }
}
