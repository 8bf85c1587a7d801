import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChannelsModule } from '../channels/channels.module';
import { MediaModule } from '../media/media.module';
import { ChannelEventStreamController, EventStreamController } from './event-stream.controller';
import { EventStreamListener } from './event-stream.listener';
import { EventStreamService } from './event-stream.service';
import { EventStreamSlots } from './event-stream.slots';

/** The SSE streams of the event log (kept apart from EventsModule, which channels themselves use). */
@Module({
  imports: [ChannelsModule, AccountsModule, MediaModule],
  controllers: [EventStreamController, ChannelEventStreamController],
  providers: [EventStreamListener, EventStreamSlots, EventStreamService],
})
export class EventStreamModule {}
