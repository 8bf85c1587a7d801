import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { CallEventsListener } from './call-events.listener';
import { CallsController } from './calls.controller';
import { CallsService } from './calls.service';

@Module({
  imports: [ChannelsModule, MessagesModule],
  controllers: [CallsController],
  providers: [CallsService, CallEventsListener],
  exports: [CallsService],
})
export class CallsModule {}
