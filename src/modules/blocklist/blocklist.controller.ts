import { Delete, Get, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { BlockedContactDto, BlocklistDto } from './blocklist.contracts';
import { BlocklistService, contactJid } from './blocklist.service';

const LIVE = 'The blocklist is read and written on WhatsApp';
const CONTACT_PATH_ID = { contact: contactJid };

@ApiTags('Blocklist')
@ChannelController('blocklist')
export class BlocklistController {
  constructor(private readonly blocklist: BlocklistService) {}

  @Get()
  @ApiRoute({
    summary: 'The contacts the account has blocked, read from WhatsApp now (blocks made on the phone included)',
    status: 200,
    response: BlocklistDto,
    needs: 'connected',
    connectedBecause: LIVE,
  })
  list(@Channel() channel: ChannelRef) {
    return this.blocklist.list(channel);
  }

  @Put(':contact')
  @ApiRoute({
    summary: 'Block a contact (E.164, user JID or LID); blocking one already blocked changes nothing',
    status: 200,
    response: BlockedContactDto,
    errors: ['validation', 'not_found'],
    audit: { action: 'blocklist.block', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
    pathIds: CONTACT_PATH_ID,
  })
  block(@Channel() channel: ChannelRef, @Param('contact') contact: string) {
    return this.blocklist.block(channel, contact);
  }

  @Delete(':contact')
  @ApiRoute({
    summary: 'Unblock a contact (E.164, user JID or LID); unblocking one not blocked changes nothing',
    status: 204,
    errors: ['validation', 'not_found'],
    audit: { action: 'blocklist.unblock', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
    pathIds: CONTACT_PATH_ID,
  })
  @ApiNoContentResponse({ description: 'Unblocked.' })
  async unblock(@Channel() channel: ChannelRef, @Param('contact') contact: string): Promise<void> {
    await this.blocklist.unblock(channel, contact);
  }
}
