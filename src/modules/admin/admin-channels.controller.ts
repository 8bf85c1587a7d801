import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { ADMIN_SECURITY } from '../../platform/openapi/security-schemes';
import { AuditAction } from '../audit/audit-action.decorator';
import { AdminOnly } from '../auth/public.decorator';
import { ChannelStatusDto } from '../channels/channels.contracts';
import { ChannelsService } from '../channels/channels.service';

@ApiTags('Admin')
@ApiBearerAuth(ADMIN_SECURITY)
@AdminOnly()
@Controller('v1/admin/channels')
export class AdminChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post(':channelId/disable')
  @HttpCode(200)
  @AuditAction('channel.disable', 'channel')
  @ApiOperation({ summary: 'Disable a channel: its session stops and it cannot connect until enabled (idempotent)' })
  @ApiErrorResponses('admin', 'channel_not_found', 'concurrent_modification')
  @ZodResponse({ status: 200, type: ChannelStatusDto })
  disable(@Param('channelId') channelId: string) {
    return this.channels.disable(channelId);
  }

  @Post(':channelId/enable')
  @HttpCode(200)
  @AuditAction('channel.enable', 'channel')
  @ApiOperation({ summary: 'Enable a disabled channel: it becomes pending' })
  @ApiErrorResponses('admin', 'channel_not_found', 'not_disabled', 'concurrent_modification')
  @ZodResponse({ status: 200, type: ChannelStatusDto })
  enable(@Param('channelId') channelId: string) {
    return this.channels.enable(channelId);
  }
}
