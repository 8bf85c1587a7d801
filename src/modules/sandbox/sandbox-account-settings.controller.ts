import { Body, Delete, Get, Param, Patch, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import {
  SandboxPhoneBlocklistDto,
  SandboxPhonePrivacyDto,
  SandboxPrivacyDto,
  SandboxProfileViewDto,
} from './sandbox-account-settings.contracts';
import { SandboxAccountSettingsService } from './sandbox-account-settings.service';
import { TestKeyGuard } from './test-key.guard';

/** The channel's phone changing its own settings, and contacts looking at its profile (test keys only). */
@ApiTags('Sandbox')
@ChannelController('', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxAccountSettingsController {
  constructor(private readonly sandbox: SandboxAccountSettingsService) {}

  @Patch('privacy')
  @ApiRoute({
    summary: "The channel's phone changes privacy settings; its linked devices are told as WhatsApp tells them (test keys only)",
    status: 200,
    response: SandboxPhonePrivacyDto,
    errors: ['validation'],
    audit: { action: 'sandbox.privacy', resourceType: 'channel' },
    needs: 'active',
  })
  setPrivacy(@Channel() channel: ChannelRef, @Body() body: SandboxPrivacyDto) {
    return this.sandbox.setPrivacy(channel, body);
  }

  @Put('blocklist/:contact')
  @ApiRoute({
    summary: "The channel's phone blocks a simulated contact (E.164) (test keys only)",
    status: 200,
    response: SandboxPhoneBlocklistDto,
    errors: ['validation'],
    audit: { action: 'sandbox.block', resourceType: 'channel' },
    needs: 'active',
  })
  block(@Channel() channel: ChannelRef, @Param('contact') contact: string) {
    return this.sandbox.block(channel, contact);
  }

  @Delete('blocklist/:contact')
  @ApiRoute({
    summary: "The channel's phone unblocks a simulated contact (E.164) (test keys only)",
    status: 200,
    response: SandboxPhoneBlocklistDto,
    errors: ['validation'],
    audit: { action: 'sandbox.unblock', resourceType: 'channel' },
    needs: 'active',
  })
  unblock(@Channel() channel: ChannelRef, @Param('contact') contact: string) {
    return this.sandbox.unblock(channel, contact);
  }

  @Get('profile/seen-by/:contact')
  @ApiRoute({
    summary:
      "The channel's profile as a simulated contact (E.164) sees it, under the channel's privacy settings and blocklist (test keys only)",
    status: 200,
    response: SandboxProfileViewDto,
    errors: ['validation'],
    needs: 'active',
  })
  profileSeenBy(@Channel() channel: ChannelRef, @Param('contact') contact: string) {
    return this.sandbox.profileSeenBy(channel, contact);
  }
}
