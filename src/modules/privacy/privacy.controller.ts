import { Body, Get, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { PrivacySettingsDto, UpdatePrivacyDto } from './privacy.contracts';
import { PrivacyService } from './privacy.service';

const LIVE = 'Privacy settings are read and written on WhatsApp';

@ApiTags('Privacy')
@ChannelController('settings/privacy')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get()
  @ApiRoute({
    summary: "The account's WhatsApp privacy settings, read from WhatsApp now",
    status: 200,
    response: PrivacySettingsDto,
    needs: 'connected',
    connectedBecause: LIVE,
  })
  get(@Channel() channel: ChannelRef) {
    return this.privacy.get(channel);
  }

  @Patch()
  @ApiRoute({
    summary: 'Change any of the privacy settings (each only to a value WhatsApp takes for it); answers them as WhatsApp then has them',
    description:
      'Each setting is one request to WhatsApp, in the order of the schema; a refusal stops there and the settings before it stay changed.',
    status: 200,
    response: PrivacySettingsDto,
    errors: ['validation'],
    audit: { action: 'privacy.update', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  update(@Channel() channel: ChannelRef, @Body() body: UpdatePrivacyDto) {
    return this.privacy.update(channel, body);
  }
}
