import { Body, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ErrorItem } from '../../platform/openapi/api-error-responses';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { parseGroupJid } from '../whatsapp/jid';
import {
  AddParticipantsDto,
  ApplicationPageDto,
  CreateGroupDto,
  CreatedGroupDto,
  GroupDto,
  GroupIconDto,
  GroupInviteDto,
  GroupPageDto,
  GroupSettingDto,
  IconQueryDto,
  JoinedGroupDto,
  JoinGroupDto,
  LeftGroupDto,
  ListGroupsQueryDto,
  ParticipantResultsDto,
  ParticipantsDto,
  parseInviteCode,
  SetIconDto,
  UpdateGroupDto,
} from './groups.contracts';
import { GroupsService } from './groups.service';

const NEEDS_SOCKET = 'Groups are read and changed on WhatsApp';
/** The group in the path, read before the channel's state is: a malformed id is 400 whatever the state. */
const GROUP_PATH = { groupId: (value: string) => parseGroupJid(value) };

/**
 * WhatsApp's refusals, as the engine maps them (`details.reason` says which): an unknown group (404), this
 * account not an admin or not a member (403), a conflict with the group's state such as already being in it
 * (409), a revoked invite code (410), WhatsApp rate-limiting the account (429) or failing (502).
 */
const REFUSALS: ErrorItem[] = [
  'validation',
  'not_found',
  'rate_limited',
  { code: 'other', status: 403 },
  { code: 'other', status: 409 },
  { code: 'other', status: 410 },
  { code: 'other', status: 502 },
];

@ApiTags('Groups')
@ChannelController('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiRoute({
    summary: 'The groups this account is in, ordered by group JID (one request to WhatsApp, no pictures)',
    status: 200,
    response: GroupPageDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
  })
  list(@Channel() channel: ChannelRef, @Query() query: ListGroupsQueryDto) {
    return this.groups.list(channel, query);
  }

  @Post()
  @ApiRoute({
    summary: 'Create a group with this account as its creator',
    description: 'People WhatsApp did not add (privacy settings, not on WhatsApp) are listed in `failed_participants`.',
    status: 201,
    response: CreatedGroupDto,
    errors: REFUSALS,
    audit: { action: 'group.create', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
  })
  create(@Channel() channel: ChannelRef, @Body() body: CreateGroupDto) {
    return this.groups.create(channel, body);
  }

  @Put()
  @ApiRoute({
    summary: 'Join a group by its invite code (or link)',
    status: 200,
    response: JoinedGroupDto,
    errors: REFUSALS,
    audit: { action: 'group.join', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
  })
  join(@Channel() channel: ChannelRef, @Body() body: JoinGroupDto) {
    return this.groups.join(channel, body.invite_code);
  }

  @Get('link/:inviteCode')
  @ApiRoute({
    summary: 'Preview a group from its invite code, without joining (WhatsApp does not list its members here)',
    status: 200,
    response: GroupDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: { inviteCode: parseInviteCode },
  })
  preview(@Channel() channel: ChannelRef, @Param('inviteCode') inviteCode: string) {
    return this.groups.preview(channel, inviteCode);
  }

  @Get(':groupId')
  @ApiRoute({
    summary: 'A group: subject, description, owner, settings, participants with their rank, phone and LID',
    status: 200,
    response: GroupDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  get(@Channel() channel: ChannelRef, @Param('groupId') groupId: string) {
    return this.groups.get(channel, groupId);
  }

  @Put(':groupId')
  @ApiRoute({
    summary: 'Rename a group, or set or remove its description',
    status: 200,
    response: GroupDto,
    errors: REFUSALS,
    audit: { action: 'group.update', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  update(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: UpdateGroupDto) {
    return this.groups.update(channel, groupId, body);
  }

  @Patch(':groupId')
  @ApiRoute({
    summary: 'Change one setting (`setting` + `policy`), or the disappearing-messages timer (`ephemeral_seconds`)',
    status: 200,
    response: GroupDto,
    errors: REFUSALS,
    audit: { action: 'group.update_setting', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  changeSetting(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: GroupSettingDto) {
    return this.groups.changeSetting(channel, groupId, body);
  }

  @Delete(':groupId')
  @ApiRoute({
    summary: 'Leave a group (WhatsApp has no "delete a group": its members stay in it)',
    status: 200,
    response: LeftGroupDto,
    errors: REFUSALS,
    audit: { action: 'group.leave', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  leave(@Channel() channel: ChannelRef, @Param('groupId') groupId: string) {
    return this.groups.leave(channel, groupId);
  }

  @Get(':groupId/invite')
  @ApiRoute({
    summary: "The group's invite code and link (admins only)",
    status: 200,
    response: GroupInviteDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  invite(@Channel() channel: ChannelRef, @Param('groupId') groupId: string) {
    return this.groups.invite(channel, groupId);
  }

  @Delete(':groupId/invite')
  @ApiRoute({
    summary: 'Revoke the invite code: the old link stops working; answers the new code (admins only)',
    status: 200,
    response: GroupInviteDto,
    errors: REFUSALS,
    audit: { action: 'group.revoke_invite', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  revokeInvite(@Channel() channel: ChannelRef, @Param('groupId') groupId: string) {
    return this.groups.revokeInvite(channel, groupId);
  }

  @Post(':groupId/participants')
  @ApiRoute({
    summary: 'Add participants; each is `processed` or `failed` with the reason',
    description:
      'Someone whose privacy settings refuse being added fails with `privacy_refused`; with `invite_on_refusal` they are sent the private invitation WhatsApp offers instead (`invite`).',
    status: 200,
    response: ParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'group.add_participants', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  addParticipants(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: AddParticipantsDto) {
    return this.groups.addParticipants(channel, groupId, body.participants, body.invite_on_refusal);
  }

  @Delete(':groupId/participants')
  @ApiRoute({
    summary: 'Remove participants; each is `processed` or `failed` with the reason',
    status: 200,
    response: ParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'group.remove_participants', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  removeParticipants(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: ParticipantsDto) {
    return this.groups.changeParticipants(channel, groupId, body.participants, 'remove');
  }

  @Patch(':groupId/admins')
  @ApiRoute({
    summary: 'Promote participants to admins',
    status: 200,
    response: ParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'group.promote', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  promote(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: ParticipantsDto) {
    return this.groups.changeParticipants(channel, groupId, body.participants, 'promote');
  }

  @Delete(':groupId/admins')
  @ApiRoute({
    summary: 'Demote admins to members',
    status: 200,
    response: ParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'group.demote', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  demote(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: ParticipantsDto) {
    return this.groups.changeParticipants(channel, groupId, body.participants, 'demote');
  }

  @Get(':groupId/icon')
  @ApiRoute({
    summary: "The URL of the group's picture on WhatsApp's servers (null without one)",
    status: 200,
    response: GroupIconDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  icon(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Query() query: IconQueryDto) {
    return this.groups.icon(channel, groupId, query.size);
  }

  @Put(':groupId/icon')
  @ApiRoute({
    summary: "Set the group's picture from stored media (`media_id`) or a URL (`source_url`)",
    status: 200,
    response: GroupIconDto,
    errors: REFUSALS,
    audit: { action: 'group.set_icon', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  setIcon(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: SetIconDto) {
    return this.groups.setIcon(channel, groupId, body);
  }

  @Delete(':groupId/icon')
  @ApiRoute({
    summary: "Remove the group's picture",
    status: 200,
    response: GroupIconDto,
    errors: REFUSALS,
    audit: { action: 'group.remove_icon', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  removeIcon(@Channel() channel: ChannelRef, @Param('groupId') groupId: string) {
    return this.groups.removeIcon(channel, groupId);
  }

  @Get(':groupId/applications')
  @ApiRoute({
    summary: 'Pending requests to join the group (admins only), ordered by JID',
    status: 200,
    response: ApplicationPageDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  applications(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Query() query: ListGroupsQueryDto) {
    return this.groups.applications(channel, groupId, query);
  }

  @Post(':groupId/applications')
  @ApiRoute({
    summary: 'Approve join requests: the people join the group',
    status: 200,
    response: ParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'group.approve_applications', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  approve(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: ParticipantsDto) {
    return this.groups.answerApplications(channel, groupId, body.participants, 'approve');
  }

  @Delete(':groupId/applications')
  @ApiRoute({
    summary: 'Reject join requests',
    status: 200,
    response: ParticipantResultsDto,
    errors: REFUSALS,
    audit: { action: 'group.reject_applications', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: GROUP_PATH,
  })
  reject(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: ParticipantsDto) {
    return this.groups.answerApplications(channel, groupId, body.participants, 'reject');
  }
}
