import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { JOBS, SendJobData } from '../../platform/queues/jobs';
import { MessageDispatcher } from './message-dispatcher';

const CONCURRENCY = 16;

/** Thin: the dispatcher claims, sends and records; a failed job is re-queued by the sweeper. */
@Processor(JOBS.send.queue)
export class OutboundMessageProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboundMessageProcessor.name);

  constructor(private readonly dispatcher: MessageDispatcher) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = CONCURRENCY;
  }

  process(job: Job<SendJobData>): Promise<void> {
    return this.dispatcher.dispatch(job.data);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'outbound message worker error');
  }
}
