import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';

/** The account's WhatsApp privacy settings, a live proxy over the channel's socket. */
@Module({
  imports: [ChannelsModule],
  controllers: [PrivacyController],
  providers: [PrivacyService],
  exports: [PrivacyService],
})
export class PrivacyModule {}
