import { Body, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ErrorItem } from '../../platform/openapi/api-error-responses';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { parseGroupJid } from '../whatsapp/jid';
import { SandboxCommunityDto, SandboxCommunityMembersDto, SandboxCreateCommunityDto } from './sandbox-communities.contracts';
import { SandboxCommunitiesService } from './sandbox-communities.service';
import { TestKeyGuard } from './test-key.guard';

const COMMUNITY_PATH = { communityId: (value: string) => parseGroupJid(value, ['communityId']) };

/** WhatsApp refuses a simulated admin as it refuses the channel: not an admin or not a member (403). */
const AS_ADMIN: ErrorItem[] = ['validation', 'not_found', { code: 'other', status: 403 }];

@ApiTags('Sandbox')
@ChannelController('communities', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxCommunitiesController {
  constructor(private readonly communities: SandboxCommunitiesService) {}

  @Post()
  @ApiRoute({
    summary: 'A simulated admin creates a community and adds the channel to it (test keys only)',
    description: 'With `group`, the admin also creates a group inside the community with the channel in it.',
    status: 201,
    response: SandboxCommunityDto,
    errors: ['validation'],
    audit: { action: 'sandbox.community_create', resourceType: 'channel' },
    needs: 'active',
  })
  create(@Channel() channel: ChannelRef, @Body() body: SandboxCreateCommunityDto) {
    return this.communities.create(channel, body);
  }

  @Post(':communityId/participants')
  @ApiRoute({
    summary: 'A simulated community admin adds, removes, promotes or demotes members, the channel included (test keys only)',
    status: 200,
    response: SandboxCommunityDto,
    errors: AS_ADMIN,
    audit: { action: 'sandbox.community_participants', resourceType: 'channel' },
    needs: 'active',
    pathIds: COMMUNITY_PATH,
  })
  changeMembers(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Body() body: SandboxCommunityMembersDto) {
    return this.communities.changeMembers(channel, communityId, body.from, body.action, body.participants);
  }
}
