import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { BlocklistController } from './blocklist.controller';
import { BlocklistService } from './blocklist.service';

/** The account's WhatsApp blocklist, a live proxy over the channel's socket; sends check it (BlocklistService). */
@Module({
  imports: [ChannelsModule],
  controllers: [BlocklistController],
  providers: [BlocklistService],
  exports: [BlocklistService],
})
export class BlocklistModule {}
