import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ContactsModule } from '../contacts/contacts.module';
import { MediaModule } from '../media/media.module';
import { MessagesModule } from '../messages/messages.module';
import { StoriesController } from './stories.controller';
import { StoriesRepository } from './stories.repository';
import { StoriesService } from './stories.service';
import { StoryViewsListener } from './story-views.listener';

@Module({
  imports: [ChannelsModule, ContactsModule, MediaModule, MessagesModule],
  controllers: [StoriesController],
  providers: [StoriesRepository, StoriesService, StoryViewsListener],
  exports: [StoriesService],
})
export class StoriesModule {}
