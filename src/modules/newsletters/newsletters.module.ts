import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MediaModule } from '../media/media.module';
import { MessagesModule } from '../messages/messages.module';
import { NewsletterPictures } from './newsletter-pictures';
import { NewslettersController } from './newsletters.controller';
import { NewslettersService } from './newsletters.service';

/**
 * Newsletters (WhatsApp Channels) as a live proxy of the channel's WhatsApp socket: no table, the socket is the
 * source of truth. Posts, sent and received, are messages (the messages module stores them).
 */
@Module({
  imports: [ChannelsModule, MediaModule, MessagesModule],
  controllers: [NewslettersController],
  providers: [NewslettersService, NewsletterPictures],
  exports: [NewslettersService],
})
export class NewslettersModule {}
