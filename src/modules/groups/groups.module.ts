import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MediaModule } from '../media/media.module';
import { GroupIcons } from './group-icons';
import { GroupEventsListener } from './group-events.listener';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

/** Groups as a live proxy of the channel's WhatsApp socket: no table, the socket is the source of truth. */
@Module({
  imports: [ChannelsModule, MediaModule],
  controllers: [GroupsController],
  providers: [GroupsService, GroupIcons, GroupEventsListener],
  exports: [GroupsService],
})
export class GroupsModule {}
