import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '../../platform/queues/queue-names';
import { ChannelsModule } from '../channels/channels.module';
import { ChatsModule } from '../chats/chats.module';
import { ContactsModule } from '../contacts/contacts.module';
import { MediaModule } from '../media/media.module';
import { BlockedRecipients } from './blocked-recipients';
import { HistoryImport } from './history-import';
import { InboundMessages } from './inbound-messages';
import { MessageDispatcher } from './message-dispatcher';
import { MessageStatusService } from './message-status.service';
import { MessageSweeper } from './message-sweeper';
import { MessageHistoryController, MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesSandboxFacade } from './messages-sandbox.facade';
import { MessagesService } from './messages.service';
import { OutboundContentResolver } from './outbound-content.resolver';
import { OutboundMessageProcessor } from './outbound-message.processor';
import { ReactionTargets } from './reaction-targets';
import { RecentlySent } from './recently-sent';
import { SendMessage } from './usecases/send-message.usecase';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.outboundMessages }), ChannelsModule, ChatsModule, ContactsModule, MediaModule],
  controllers: [MessagesController, MessageHistoryController],
  providers: [
    MessagesRepository,
    MessageStatusService,
    OutboundContentResolver,
    ReactionTargets,
    BlockedRecipients,
    MessageDispatcher,
    RecentlySent,
    MessageSweeper,
    OutboundMessageProcessor,
    InboundMessages,
    HistoryImport,
    SendMessage,
    MessagesService,
    MessagesSandboxFacade,
  ],
  exports: [MessagesService, MessagesSandboxFacade, InboundMessages],
})
export class MessagesModule {}
