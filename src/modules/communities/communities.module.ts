import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { CommunitiesController } from './communities.controller';
import { CommunitiesService } from './communities.service';

/**
 * Communities as a live proxy of the channel's WhatsApp socket: no table. Their events are the groups' (a
 * community is a group with a parent role), published by the groups module with the community marked.
 */
@Module({
  imports: [ChannelsModule],
  controllers: [CommunitiesController],
  providers: [CommunitiesService],
  exports: [CommunitiesService],
})
export class CommunitiesModule {}
