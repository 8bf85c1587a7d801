import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { JOBS, ReconnectJobData } from '../../platform/queues/jobs';
import { SOCKET_WORKER_OPTIONS, startSocketWorker } from '../../platform/queues/socket-workers';
import { ChannelSupervisor } from './channel-supervisor';

/** Runs due reconnect attempts; whether one still applies is decided by the supervisor on fresh state. */
@Processor(JOBS.reconnect.queue, SOCKET_WORKER_OPTIONS)
export class ChannelReconnectProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ChannelReconnectProcessor.name);

  constructor(
    private readonly supervisor: ChannelSupervisor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    startSocketWorker(this.worker, this.config, this.logger);
  }

  async process(job: Job<ReconnectJobData>): Promise<void> {
    await this.supervisor.runReconnect(job.data);
  }
}
