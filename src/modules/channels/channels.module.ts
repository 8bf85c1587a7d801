import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '../../platform/queues/queue-names';
import { ChannelAccessService } from './channel-access.service';
import { ChannelReconnectProcessor } from './channel-reconnect.processor';
import { ChannelStateWriter } from './channel-state.writer';
import { ChannelSupervisor } from './channel-supervisor';
import { ChannelsController } from './channels.controller';
import { ChannelsRepository } from './channels.repository';
import { ChannelsService } from './channels.service';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.channelReconnect })],
  controllers: [ChannelsController],
  providers: [
    ChannelsRepository,
    ChannelAccessService,
    ChannelStateWriter,
    ChannelSupervisor,
    ChannelReconnectProcessor,
    ChannelsService,
  ],
  exports: [ChannelAccessService, ChannelsService],
})
export class ChannelsModule {}
