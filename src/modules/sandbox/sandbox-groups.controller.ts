import { Body, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { ErrorItem } from '../../platform/openapi/api-error-responses';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { parseGroupJid } from '../whatsapp/jid';
import {
  SandboxCreateGroupDto,
  SandboxGroupApplyDto,
  SandboxGroupApplyResultDto,
  SandboxGroupChangeDto,
  SandboxGroupDto,
  SandboxGroupMembersDto,
  SandboxGroupMessageResultDto,
} from './sandbox-groups.contracts';
import { SandboxGroupsService } from './sandbox-groups.service';
import { SandboxInboundBody } from './sandbox.contracts';
import { TestKeyGuard } from './test-key.guard';

const GROUP_PATH = { groupId: (value: string) => parseGroupJid(value) };

/** WhatsApp refuses a simulated member as it refuses the channel: not an admin or not a member (403), already in (409), a revoked link (410). */
const AS_MEMBER: ErrorItem[] = [
  'validation',
  'not_found',
  { code: 'other', status: 403 },
  { code: 'other', status: 409 },
  { code: 'other', status: 410 },
];

@ApiTags('Sandbox')
@ChannelController('groups', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxGroupsController {
  constructor(private readonly groups: SandboxGroupsService) {}

  @Post()
  @ApiRoute({
    summary: 'A simulated contact creates a group with the channel in it (test keys only)',
    status: 201,
    response: SandboxGroupDto,
    errors: ['validation'],
    audit: { action: 'sandbox.group_create', resourceType: 'channel' },
    needs: 'active',
  })
  create(@Channel() channel: ChannelRef, @Body() body: SandboxCreateGroupDto) {
    return this.groups.create(channel, body.from, body.subject, body.participants);
  }

  @Post(':groupId/participants')
  @ApiRoute({
    summary: 'A simulated member adds, removes, promotes or demotes members, the channel included (test keys only)',
    status: 200,
    response: SandboxGroupDto,
    errors: AS_MEMBER,
    audit: { action: 'sandbox.group_participants', resourceType: 'channel' },
    needs: 'active',
    pathIds: GROUP_PATH,
  })
  changeMembers(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: SandboxGroupMembersDto) {
    return this.groups.changeMembers(channel, groupId, body.from, body.action, body.participants);
  }

  @Patch(':groupId')
  @ApiRoute({
    summary: 'A simulated member changes the subject, the description or a setting (test keys only)',
    status: 200,
    response: SandboxGroupDto,
    errors: AS_MEMBER,
    audit: { action: 'sandbox.group_change', resourceType: 'channel' },
    needs: 'active',
    pathIds: GROUP_PATH,
  })
  change(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: SandboxGroupChangeDto) {
    return this.groups.change(channel, groupId, body);
  }

  @Post(':groupId/applications')
  @ApiRoute({
    summary: "A simulated contact opens the group's invite link: joins, or asks to (test keys only)",
    status: 200,
    response: SandboxGroupApplyResultDto,
    errors: AS_MEMBER,
    audit: { action: 'sandbox.group_apply', resourceType: 'channel' },
    needs: 'active',
    pathIds: GROUP_PATH,
  })
  apply(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: SandboxGroupApplyDto) {
    return this.groups.apply(channel, groupId, body.from);
  }

  @Post(':groupId/messages')
  @ApiRoute({
    summary: 'A simulated member writes in the group (test keys only)',
    description: 'Body: `from` (E.164, a member) and a message in the shapes of POST /v1/channels/{channelId}/messages (without `to`).',
    status: 202,
    response: SandboxGroupMessageResultDto,
    errors: ['validation', 'not_found'],
    audit: { action: 'sandbox.group_message', resourceType: 'channel' },
    needs: 'active',
    pathIds: GROUP_PATH,
  })
  @ApiBody({ schema: { type: 'object', required: ['from', 'type'], properties: { from: { type: 'string' }, type: { type: 'string' } } } })
  message(@Channel() channel: ChannelRef, @Param('groupId') groupId: string, @Body() body: SandboxInboundBody) {
    return this.groups.message(channel, groupId, body);
  }
}
