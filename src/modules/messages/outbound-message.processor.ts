import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { SessionManager } from '../../engine/session-manager';
import { settlesWithin } from '../../platform/async';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { JOBS, SendJobData } from '../../platform/queues/jobs';
import { SOCKET_WORKER_OPTIONS, startSocketWorker } from '../../platform/queues/socket-workers';
import { MessageDispatcher, SendHandOff } from './message-dispatcher';

/** Sends under way at once in this process, from jobs and from acceptances together. */
const CONCURRENCY = 16;
/** How long a graceful stop waits for sends started at their acceptance; a claim it cuts short lapses and is swept. */
const RUN_WAIT_MS = 10_000;

/**
 * Runs sends: queued jobs, and sends started at their acceptance. Thin: the dispatcher claims, sends and
 * records; a failed job is re-queued by the sweeper.
 *
 * A send accepted by a process that holds its channel's socket starts there at once when a slot is free and
 * the queue has nothing waiting (the worker found it empty since it last took a job, so a backlog is never
 * overtaken): it skips the job's add, fetch and complete, three Redis round trips and the wait behind them.
 * Such sends and jobs share CONCURRENCY: while sends started at acceptance hold slots, the worker fetches jobs
 * only for the others (a fetch already waiting may bring one more). A send lost with its process is queued
 * again by the sweeper, as a lost job is.
 */
@Processor(JOBS.send.queue, SOCKET_WORKER_OPTIONS)
export class OutboundMessageProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown, SendHandOff {
  private readonly logger = new Logger(OutboundMessageProcessor.name);
  private jobsRunning = 0;
  /** Since the worker last found the queue empty, it has taken a job: what waits there goes first. */
  private queueHasWork = false;
  private readonly runsAtAcceptance = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly dispatcher: MessageDispatcher,
    private readonly sessions: SessionManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = CONCURRENCY;
    startSocketWorker(this.worker, this.config, this.logger);
    this.dispatcher.sendAtAcceptanceWith(this);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await settlesWithin(Promise.all(this.runsAtAcceptance), RUN_WAIT_MS);
  }

  async process(job: Job<SendJobData>): Promise<void> {
    this.jobsRunning += 1;
    this.queueHasWork = true;
    try {
      await this.dispatcher.dispatch(job.data);
    } finally {
      this.jobsRunning -= 1;
    }
  }

  /**
   * Starts the send of a message just accepted, if this process holds its channel's socket and has a slot free
   * now; says whether it did (if not, the caller queues it). Never waits: the request is answered at once. A
   * process that runs no send worker (role `api`) never does.
   */
  runNow(job: Required<SendJobData>): boolean {
    const worker = this.worker;
    if (this.stopping || this.queueHasWork || worker.closing || !worker.isRunning() || worker.isPaused()) return false;
    if (this.jobsRunning + this.runsAtAcceptance.size >= CONCURRENCY || !this.sessions.isOpen(job.channelId)) return false;
    const run: Promise<void> = this.dispatcher
      .dispatch(job)
      .catch((error: unknown) =>
        this.logger.warn({ err: error, message_id: job.messageId }, 'a send failed to run; the sweeper queues it again'),
      )
      .finally(() => {
        this.runsAtAcceptance.delete(run);
        this.fitWorker();
      });
    this.runsAtAcceptance.add(run);
    this.fitWorker();
    return true;
  }

  /** The worker's concurrency: the slots the sends started at acceptance leave (at least one, BullMQ's minimum). */
  private fitWorker(): void {
    this.worker.concurrency = Math.max(1, CONCURRENCY - this.runsAtAcceptance.size);
  }

  @OnWorkerEvent('drained')
  onDrained(): void {
    this.queueHasWork = false;
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'outbound message worker error');
  }
}
