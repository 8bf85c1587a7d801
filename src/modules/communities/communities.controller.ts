import { Body, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ErrorItem } from '../../platform/openapi/api-error-responses';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { CreatedGroupDto, ParticipantsDto } from '../groups/groups.contracts';
import { parseGroupJid } from '../whatsapp/jid';
import {
  CommunityDto,
  CommunityInviteDto,
  CommunityLinkDto,
  CommunityPageDto,
  CommunityParticipantResultsDto,
  CommunitySettingDto,
  CreateCommunityDto,
  CreateCommunityGroupDto,
  ListCommunitiesQueryDto,
  parseCommunityJid,
  SubgroupPageDto,
} from './communities.contracts';
import { CommunitiesService } from './communities.service';

const NEEDS_SOCKET = 'Communities are read and changed on WhatsApp';
/** The ids in the path, read before the channel's state is: a malformed one is 400 whatever the state. */
const COMMUNITY_PATH = { communityId: parseCommunityJid };
const COMMUNITY_GROUP_PATH = { communityId: parseCommunityJid, groupId: (value: string) => parseGroupJid(value) };

/**
 * WhatsApp's refusals, as the engine maps them (`details.reason` says which): an unknown community or group,
 * or a group where a community is expected (404), this account not an admin or not a member (403), a group
 * already linked to a community (409), a request WhatsApp does not take on a community (400), WhatsApp
 * rate-limiting the account (429) or failing (502).
 */
const REFUSALS: ErrorItem[] = [
  'validation',
  'not_found',
  'rate_limited',
  { code: 'other', status: 403 },
  { code: 'other', status: 409 },
  { code: 'other', status: 502 },
];

@ApiTags('Communities')
@ChannelController('communities')
export class CommunitiesController {
  constructor(private readonly communities: CommunitiesService) {}

  @Get()
  @ApiRoute({
    summary: 'The communities this account is in, ordered by JID (one request to WhatsApp)',
    status: 200,
    response: CommunityPageDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
  })
  list(@Channel() channel: ChannelRef, @Query() query: ListCommunitiesQueryDto) {
    return this.communities.list(channel, query);
  }

  @Post()
  @ApiRoute({
    summary: 'Create a community with this account as its creator; WhatsApp creates its announcement group with it',
    status: 201,
    response: CommunityDto,
    errors: REFUSALS,
    audit: { action: 'community.create', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
  })
  create(@Channel() channel: ChannelRef, @Body() body: CreateCommunityDto) {
    return this.communities.create(channel, body);
  }

  @Get(':communityId')
  @ApiRoute({
    summary: 'A community: its own metadata and participants, its announcement group and its linked groups',
    status: 200,
    response: CommunityDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  get(@Channel() channel: ChannelRef, @Param('communityId') communityId: string) {
    return this.communities.get(channel, communityId);
  }

  @Post(':communityId')
  @ApiRoute({
    summary: 'Create a group inside the community (admins only)',
    description: 'People WhatsApp did not add (privacy settings, not on WhatsApp) are listed in `failed_participants`.',
    status: 201,
    response: CreatedGroupDto,
    errors: REFUSALS,
    audit: { action: 'community.create_group', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  createGroup(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Body() body: CreateCommunityGroupDto) {
    return this.communities.createGroup(channel, communityId, body);
  }

  @Get(':communityId/subgroups')
  @ApiRoute({
    summary: 'The groups linked to the community, its announcement group included, ordered by JID',
    status: 200,
    response: SubgroupPageDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  subgroups(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Query() query: ListCommunitiesQueryDto) {
    return this.communities.subgroups(channel, communityId, query);
  }

  @Post(':communityId/participants')
  @ApiRoute({
    summary: 'Add people to the community (and so to its announcement group); each is `processed` or `failed` with the reason',
    status: 200,
    response: CommunityParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'community.add_participants', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  addParticipants(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Body() body: ParticipantsDto) {
    return this.communities.addParticipants(channel, communityId, body.participants);
  }

  @Delete(':communityId/participants')
  @ApiRoute({
    summary: 'Remove people from the community and from every group linked to it',
    status: 200,
    response: CommunityParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'community.remove_participants', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  removeParticipants(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Body() body: ParticipantsDto) {
    return this.communities.removeParticipants(channel, communityId, body.participants);
  }

  @Patch(':communityId/admins')
  @ApiRoute({
    summary: 'Make community members admins (of the community and its announcement group)',
    status: 200,
    response: CommunityParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'community.promote', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  promote(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Body() body: ParticipantsDto) {
    return this.communities.changeAdmins(channel, communityId, body.participants, 'promote');
  }

  @Delete(':communityId/admins')
  @ApiRoute({
    summary: 'Make community admins members again',
    status: 200,
    response: CommunityParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'community.demote', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  demote(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Body() body: ParticipantsDto) {
    return this.communities.changeAdmins(channel, communityId, body.participants, 'demote');
  }

  @Patch(':communityId/settings')
  @ApiRoute({
    summary: 'Change one setting of the community (`setting` + `policy`); answers the community',
    status: 200,
    response: CommunityDto,
    errors: REFUSALS,
    audit: { action: 'community.update_setting', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  changeSetting(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Body() body: CommunitySettingDto) {
    return this.communities.changeSetting(channel, communityId, body);
  }

  @Delete(':communityId/link')
  @ApiRoute({
    summary: "Revoke the community's invite link: the old one stops working; answers the new one (admins only)",
    status: 200,
    response: CommunityInviteDto,
    errors: REFUSALS,
    audit: { action: 'community.revoke_invite', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_PATH,
  })
  revokeInvite(@Channel() channel: ChannelRef, @Param('communityId') communityId: string) {
    return this.communities.revokeInvite(channel, communityId);
  }

  @Put(':communityId/:groupId')
  @ApiRoute({
    summary: 'Link an existing group to the community (an admin of both)',
    status: 200,
    response: CommunityLinkDto,
    errors: REFUSALS,
    audit: { action: 'community.link_group', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_GROUP_PATH,
  })
  link(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Param('groupId') groupId: string) {
    return this.communities.link(channel, communityId, groupId);
  }

  @Delete(':communityId/:groupId')
  @ApiRoute({
    summary: 'Unlink a group from the community: it lives on as a plain group (the announcement group cannot be unlinked)',
    status: 200,
    response: CommunityLinkDto,
    errors: REFUSALS,
    audit: { action: 'community.unlink_group', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: COMMUNITY_GROUP_PATH,
  })
  unlink(@Channel() channel: ChannelRef, @Param('communityId') communityId: string, @Param('groupId') groupId: string) {
    return this.communities.unlink(channel, communityId, groupId);
  }
}
