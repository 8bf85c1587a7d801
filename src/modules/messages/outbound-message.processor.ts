import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { SOCKET_WORKER_OPTIONS, startSocketWorker } from '../../platform/queues/socket-workers';
import { Job } from 'bullmq';
import { JOBS, SendJobData } from '../../platform/queues/jobs';
import { MessageDispatcher } from './message-dispatcher';

const CONCURRENCY = 16;

/** Thin: the dispatcher claims, sends and records; a failed job is re-queued by the sweeper. */
@Processor(JOBS.send.queue, SOCKET_WORKER_OPTIONS)
export class OutboundMessageProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboundMessageProcessor.name);

  constructor(
    private readonly dispatcher: MessageDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = CONCURRENCY;
    startSocketWorker(this.worker, this.config, this.logger);
  }

  process(job: Job<SendJobData>): Promise<void> {
    return this.dispatcher.dispatch(job.data);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'outbound message worker error');
  }
}
