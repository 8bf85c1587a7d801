import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { ADMIN_SECURITY } from '../../platform/openapi/security-schemes';
import { AdminOnly } from '../../platform/http/route-access';
import { AdminChannelPageDto, ChannelStatusDto, ListAllChannelsQueryDto } from '../channels/channels.contracts';
import { ChannelsService } from '../channels/channels.service';

@ApiTags('Admin')
@ApiBearerAuth(ADMIN_SECURITY)
@AdminOnly()
@Controller('v1/admin/channels')
export class AdminChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @ApiRoute({
    summary: "Every customer's channels, newest first, by customer and status",
    status: 200,
    response: AdminChannelPageDto,
    errors: ['admin', 'validation'],
  })
  list(@Query() query: ListAllChannelsQueryDto) {
    return this.channels.listAll(query);
  }

  @Post(':channelId/disable')
  @ApiRoute({
    summary: 'Disable a channel: its session stops and it cannot connect until enabled (idempotent)',
    status: 200,
    response: ChannelStatusDto,
    errors: ['admin', 'channel_not_found', 'concurrent_modification'],
    audit: { action: 'channel.disable', resourceType: 'channel' },
  })
  disable(@Param('channelId') channelId: string) {
    return this.channels.disable(channelId);
  }

  @Post(':channelId/enable')
  @ApiRoute({
    summary: 'Enable a disabled channel: it becomes pending',
    status: 200,
    response: ChannelStatusDto,
    errors: ['admin', 'channel_not_found', 'not_disabled', 'concurrent_modification'],
    audit: { action: 'channel.enable', resourceType: 'channel' },
  })
  enable(@Param('channelId') channelId: string) {
    return this.channels.enable(channelId);
  }
}
