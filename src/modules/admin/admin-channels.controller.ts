import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { AdminOnly } from '../auth/public.decorator';
import { ChannelStatusDto } from '../channels/channels.contracts';
import { ChannelsService } from '../channels/channels.service';

@ApiTags('Admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('v1/admin/channels')
export class AdminChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post(':id/disable')
  @HttpCode(200)
  @AuditAction('channel.disable', 'channel')
  @ApiOperation({ summary: 'Disable a channel: its session stops and it cannot connect until enabled (idempotent)' })
  @ApiErrorResponses('admin', 'channel_not_found', 'concurrent_modification')
  @ZodResponse({ status: 200, type: ChannelStatusDto })
  disable(@Param('id') id: string) {
    return this.channels.disable(id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @AuditAction('channel.enable', 'channel')
  @ApiOperation({ summary: 'Enable a disabled channel: it becomes pending' })
  @ApiErrorResponses('admin', 'channel_not_found', 'not_disabled', 'concurrent_modification')
  @ZodResponse({ status: 200, type: ChannelStatusDto })
  enable(@Param('id') id: string) {
    return this.channels.enable(id);
  }
}
