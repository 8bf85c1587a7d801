import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../../platform/queues/queue-names';
import { ChannelSupervisor, ReconnectJob } from './channel-supervisor';

/** Runs due reconnect attempts; whether one still applies is decided by the supervisor on fresh state. */
@Processor(QUEUES.channelReconnect)
export class ChannelReconnectProcessor extends WorkerHost {
  constructor(private readonly supervisor: ChannelSupervisor) {
    super();
  }

  async process(job: Job<ReconnectJob>): Promise<void> {
    await this.supervisor.runReconnect(job.data);
  }
}
