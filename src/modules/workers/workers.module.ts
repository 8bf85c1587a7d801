import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { AdminWorkersController } from './workers.controller';
import { WorkersService } from './workers.service';

/** The worker registry as the operator sees it (the heartbeats themselves are the engine's WorkerRegistry). */
@Module({ imports: [ChannelsModule], controllers: [AdminWorkersController], providers: [WorkersService] })
export class WorkersModule {}
