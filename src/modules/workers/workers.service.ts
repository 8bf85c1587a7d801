import { Injectable } from '@nestjs/common';
import { WorkerRegistry } from '../../engine/worker-registry';
import { ChannelsService } from '../channels/channels.service';
import { toWorker } from './workers.contracts';

/** The operator's view of the gateway's processes: the registry's heartbeats beside the channels each holds. */
@Injectable()
export class WorkersService {
  constructor(
    private readonly registry: WorkerRegistry,
    private readonly channels: ChannelsService,
  ) {}

  async list() {
    const [workers, perWorker] = await Promise.all([this.registry.list(), this.channels.channelsPerWorker()]);
    return { data: workers.map((worker) => toWorker(worker, perWorker.get(worker.id) ?? 0)) };
  }
}
