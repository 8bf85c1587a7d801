import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { EventStreamController } from './event-stream.controller';
import { EventStreamService } from './event-stream.service';

/** The SSE streams of the event log (kept apart from EventsModule, which channels themselves use). */
@Module({ imports: [ChannelsModule], controllers: [EventStreamController], providers: [EventStreamService] })
export class EventStreamModule {}
