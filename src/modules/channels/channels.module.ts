import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '../../platform/queues/queue-names';
import { ChannelAccessService } from './channel-access.service';
import { ChannelAccessGuard } from './channel-route';
import { ChannelReconnectProcessor } from './channel-reconnect.processor';
import { ChannelStateWriter } from './channel-state.writer';
import { ChannelPlacement } from './channel-placement';
import { ChannelSupervisor } from './channel-supervisor';
import { ChannelListController, ChannelsController } from './channels.controller';
import { ChannelsRepository } from './channels.repository';
import { ChannelsService } from './channels.service';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.channelReconnect })],
  controllers: [ChannelListController, ChannelsController],
  providers: [
    ChannelsRepository,
    ChannelAccessService,
    ChannelAccessGuard,
    ChannelStateWriter,
    ChannelSupervisor,
    ChannelPlacement,
    ChannelReconnectProcessor,
    ChannelsService,
  ],
  exports: [ChannelAccessService, ChannelAccessGuard, ChannelsService],
})
export class ChannelsModule {}
