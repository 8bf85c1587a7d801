import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '../../platform/queues/queue-names';
import { ChannelsModule } from '../channels/channels.module';
import { ChatsModule } from '../chats/chats.module';
import { ContactsModule } from '../contacts/contacts.module';
import { MediaModule } from '../media/media.module';
import { InboundMessages } from './inbound-messages';
import { MessageDispatcher } from './message-dispatcher';
import { MessageStatusService } from './message-status.service';
import { MessageHistoryController, MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { OutboundMessageProcessor } from './outbound-message.processor';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.outboundMessages }), ChannelsModule, ChatsModule, ContactsModule, MediaModule],
  controllers: [MessagesController, MessageHistoryController],
  providers: [
    MessagesRepository,
    MessageStatusService,
    MessageDispatcher,
    OutboundMessageProcessor,
    InboundMessages,
    MessagesService,
  ],
  exports: [MessagesService, InboundMessages],
})
export class MessagesModule {}
