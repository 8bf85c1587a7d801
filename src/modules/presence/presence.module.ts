import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { PresenceEventsListener } from './presence-events.listener';
import { PresenceController } from './presence.controller';
import { PresenceService } from './presence.service';
import { PresenceStore } from './presence.store';

@Module({
  imports: [ChannelsModule],
  controllers: [PresenceController],
  providers: [PresenceStore, PresenceService, PresenceEventsListener],
})
export class PresenceModule {}
