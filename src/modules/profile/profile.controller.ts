import { Body, Delete, Get, Patch, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { ProfileDto, SetPictureDto, UpdateProfileDto } from './profile.contracts';
import { ProfileService } from './profile.service';

const LIVE = 'The profile is read and written on WhatsApp';

@ApiTags('Profile')
@ChannelController('profile')
export class ProfileController {
  constructor(private readonly profile: ProfileService) {}

  @Get()
  @ApiRoute({
    summary: "The channel's own profile on WhatsApp: name, about text, picture URL, phone number, business or not",
    status: 200,
    response: ProfileDto,
    needs: 'connected',
    connectedBecause: LIVE,
  })
  get(@Channel() channel: ChannelRef) {
    return this.profile.get(channel);
  }

  @Patch()
  @ApiRoute({
    summary: 'Change the push name, the about text or both; answers the profile as WhatsApp then has it',
    status: 200,
    response: ProfileDto,
    errors: ['validation'],
    audit: { action: 'profile.update', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  update(@Channel() channel: ChannelRef, @Body() body: UpdateProfileDto) {
    return this.profile.update(channel, body);
  }

  @Put('picture')
  @ApiRoute({
    summary: 'Set the profile picture from stored media or a URL; it is cropped to a square and scaled as WhatsApp wants',
    status: 200,
    response: ProfileDto,
    errors: ['validation', 'media_gone'],
    audit: { action: 'profile.picture_set', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  setPicture(@Channel() channel: ChannelRef, @Body() body: SetPictureDto) {
    return this.profile.setPicture(channel, body);
  }

  @Delete('picture')
  @ApiRoute({
    summary: 'Remove the profile picture',
    status: 204,
    audit: { action: 'profile.picture_remove', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  @ApiNoContentResponse({ description: 'Removed (also when there was none: WhatsApp does not tell).' })
  async removePicture(@Channel() channel: ChannelRef): Promise<void> {
    await this.profile.removePicture(channel);
  }
}
