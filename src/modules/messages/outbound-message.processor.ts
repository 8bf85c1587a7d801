import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { SessionManager } from '../../engine/session-manager';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { JOBS, SendJobData } from '../../platform/queues/jobs';
import { RunsBesideWorker } from '../../platform/queues/runs-beside-worker';
import { SOCKET_WORKER_OPTIONS, startSocketWorker } from '../../platform/queues/socket-workers';
import { MessageDispatcher, SendHandOff } from './message-dispatcher';

/**
 * Sends under way at once in this process, from jobs and from acceptances together. A send holds its slot while it
 * waits for its channel's lane (one message leaves a channel at a time) and, once it left, while its keys and
 * `sent` are written: with 16, a few busy channels held every slot and the others waited with the process a tenth
 * idle (bench/results/send-profile.md). A send that waits so long that its claim lapses is not sent twice: the
 * dispatcher knows it is under way here.
 */
export const SEND_SLOTS = 64;
/**
 * The slots one channel's sends may hold at once: a channel whose sends wait on a slow WhatsApp leaves the others
 * at least 16 slots, rather than hold every one while their sends wait behind it.
 */
export const SLOTS_PER_CHANNEL = 48;
/**
 * Sends accepted here that may wait in the process for a slot, rather than be queued through Redis: under a
 * steady load every send then skips the job's round trips. Each is a message id, kept until its send ends.
 */
const WAITING = 10_000;
/** How long a graceful stop waits for sends started at their acceptance; a claim it cuts short lapses and is swept. */
const RUN_WAIT_MS = 10_000;

/**
 * Runs sends: queued jobs, and sends started at their acceptance. Thin: the dispatcher claims, sends and
 * records; a failed job is re-queued by the sweeper. A send accepted by a process that holds its channel's
 * socket starts there when the queue has nothing waiting: at once when a slot is free, or after the sends before it
 * waiting in the process (RunsBesideWorker). Runs and jobs are keyed by channel, for its share of the slots.
 */
@Processor(JOBS.send.queue, SOCKET_WORKER_OPTIONS)
export class OutboundMessageProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown, SendHandOff {
  private readonly logger = new Logger(OutboundMessageProcessor.name);
  private readonly slots = new RunsBesideWorker(() => this.worker, SEND_SLOTS, { waiting: WAITING, perKey: SLOTS_PER_CHANNEL });
  /** The sends this process took at their acceptance and has not finished: queued in the database, but not lost. */
  private readonly held = new Set<string>();

  constructor(
    private readonly dispatcher: MessageDispatcher,
    private readonly sessions: SessionManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = SEND_SLOTS;
    startSocketWorker(this.worker, this.config, this.logger);
    this.dispatcher.sendAtAcceptanceWith(this);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.slots.stop(RUN_WAIT_MS);
  }

  process(job: Job<SendJobData>): Promise<void> {
    return this.slots.job(() => this.dispatcher.dispatch(job.data), job.data.channelId);
  }

  /**
   * Starts the send of a message just accepted, if this process holds its channel's socket and has a slot free
   * now; says whether it did (if not, the caller queues it). Never waits: the request is answered at once. A
   * process that runs no send worker (role `api`) never does.
   */
  runNow(job: Required<SendJobData>): boolean {
    if (!this.slots.hasRoom(job.channelId) || !this.sessions.isOpen(job.channelId)) return false;
    this.held.add(job.messageId);
    this.slots.start(
      () => this.dispatcher.dispatch(job).finally(() => this.held.delete(job.messageId)),
      (error) => this.logger.warn({ err: error, message_id: job.messageId }, 'a send failed to run; the sweeper queues it again'),
      job.channelId,
    );
    return true;
  }

  holds(messageId: string): boolean {
    return this.held.has(messageId) && !this.slots.stopped;
  }

  @OnWorkerEvent('drained')
  onDrained(): void {
    this.slots.drained();
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'outbound message worker error');
  }
}
