import { Body, Get, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { parseRecipient } from '../whatsapp/jid';
import { ChatStateDto, ChatStateSentDto, KnownPresenceDto, OwnPresenceDto, SetOwnPresenceDto, SubscribedDto } from './presence.contracts';
import { PresenceService } from './presence.service';

const ON_WHATSAPP = 'Presence goes to WhatsApp';
const CONTACT_PATH = { contact: (contact: string) => parseRecipient(contact, ['contact']) };

@ApiTags('Presence')
@ChannelController('presences')
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Put('me')
  @ApiRoute({
    summary: "Set the channel's own presence: online or offline (it connects offline; contacts' presence needs online)",
    status: 200,
    response: OwnPresenceDto,
    errors: ['validation'],
    audit: { action: 'presence.set_own', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: ON_WHATSAPP,
  })
  setOwn(@Channel() channel: ChannelRef, @Body() body: SetOwnPresenceDto) {
    return this.presence.setOwn(channel, body.presence);
  }

  @Post(':contact')
  @ApiRoute({
    summary: 'Show a chat state to a contact or group: typing, recording (a voice note) or paused',
    status: 200,
    response: ChatStateSentDto,
    errors: ['validation'],
    needs: 'connected',
    connectedBecause: ON_WHATSAPP,
    pathIds: CONTACT_PATH,
  })
  chatState(@Channel() channel: ChannelRef, @Param('contact') contact: string, @Body() body: ChatStateDto) {
    return this.presence.sendChatState(channel, contact, body.presence);
  }

  @Post(':contact/subscribe')
  @ApiRoute({
    summary: "Subscribe to a contact's presence (renewed after every reconnect); updates come as presence.updated",
    status: 200,
    response: SubscribedDto,
    errors: ['validation'],
    audit: { action: 'presence.subscribe', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: ON_WHATSAPP,
    pathIds: CONTACT_PATH,
  })
  subscribe(@Channel() channel: ChannelRef, @Param('contact') contact: string) {
    return this.presence.subscribe(channel, contact);
  }

  @Get(':contact')
  @ApiRoute({
    summary: 'The last presence WhatsApp pushed for a subscribed contact (kept 10 minutes); presence null when none',
    status: 200,
    response: KnownPresenceDto,
    errors: ['validation'],
    needs: 'readable',
    pathIds: CONTACT_PATH,
  })
  get(@Channel() channel: ChannelRef, @Param('contact') contact: string) {
    return this.presence.get(channel, contact);
  }
}
