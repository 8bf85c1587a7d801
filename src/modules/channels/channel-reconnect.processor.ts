import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, ReconnectJobData } from '../../platform/queues/jobs';
import { ChannelSupervisor } from './channel-supervisor';

/** Runs due reconnect attempts; whether one still applies is decided by the supervisor on fresh state. */
@Processor(JOBS.reconnect.queue)
export class ChannelReconnectProcessor extends WorkerHost {
  constructor(private readonly supervisor: ChannelSupervisor) {
    super();
  }

  async process(job: Job<ReconnectJobData>): Promise<void> {
    await this.supervisor.runReconnect(job.data);
  }
}
