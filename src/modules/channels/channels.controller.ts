import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { RequestId } from '../../platform/http/request-id';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import {
  ChannelDto,
  ChannelPageDto,
  ChannelStatusDto,
  CreateChannelDto,
  ListChannelsQueryDto,
  PairCodeDto,
  PairCodeRequestDto,
  QrDto,
  UpdateChannelDto,
} from './channels.contracts';
import { ChannelsService } from './channels.service';

const CHANNEL_ERRORS = ['auth', 'channel_not_found', 'channel_access_denied', 'channel_scoped_key', 'channel_unavailable'] as const;

@ApiTags('Channels')
@ApiBearerAuth()
@Controller('v1/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @ApiOperation({ summary: 'List channels of this key\'s mode (a channel-scoped key sees its channel only)' })
  @ApiErrorResponses('auth', 'validation')
  @ZodResponse({ status: 200, type: ChannelPageDto })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: ListChannelsQueryDto) {
    return this.channels.list(key, query);
  }

  @Post()
  @AuditAction('channel.create', 'channel')
  @ApiOperation({ summary: 'Create a channel; it starts pending. Test keys create sandbox channels.' })
  @ApiErrorResponses('auth', 'validation', 'plan_channel_limit', 'channel_scoped_key')
  @ZodResponse({ status: 201, type: ChannelDto })
  create(@CurrentKey() key: ApiKeyPrincipal, @Body() body: CreateChannelDto) {
    return this.channels.create(key, body.name);
  }

  @Get(':channelId')
  @ApiOperation({ summary: 'One channel (deleted channels stay readable)' })
  @ApiErrorResponses(...CHANNEL_ERRORS)
  @ZodResponse({ status: 200, type: ChannelDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string) {
    return this.channels.get(key, channelId);
  }

  @Patch(':channelId')
  @AuditAction('channel.rename', 'channel')
  @ApiOperation({ summary: 'Rename a channel' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'validation')
  @ZodResponse({ status: 200, type: ChannelDto })
  rename(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Body() body: UpdateChannelDto) {
    return this.channels.rename(key, channelId, body.name);
  }

  @Delete(':channelId')
  @AuditAction('channel.delete', 'channel')
  @ApiOperation({ summary: 'Soft-delete: logs the device out, keeps the row and what references it' })
  @ApiErrorResponses(...CHANNEL_ERRORS)
  @ZodResponse({ status: 200, type: ChannelDto })
  remove(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @RequestId() requestId: string) {
    return this.channels.remove(key, channelId, requestId);
  }

  @Get(':channelId/status')
  @ApiOperation({ summary: 'Lifecycle snapshot: status, since, reason, reconnect attempts' })
  @ApiErrorResponses(...CHANNEL_ERRORS)
  @ZodResponse({ status: 200, type: ChannelStatusDto })
  status(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string) {
    return this.channels.status(key, channelId);
  }

  @Post(':channelId/connect')
  @HttpCode(202)
  @AuditAction('channel.connect', 'channel')
  @ApiOperation({ summary: 'Start the session: pending → connecting → qr (unpaired) or connected (paired)' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'invalid_lifecycle_transition', 'concurrent_modification', 'worker_at_capacity')
  @ZodResponse({ status: 202, type: ChannelStatusDto })
  connect(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @RequestId() requestId: string) {
    return this.channels.connect(key, channelId, requestId);
  }

  @Post(':channelId/disconnect')
  @HttpCode(200)
  @AuditAction('channel.disconnect', 'channel')
  @ApiOperation({ summary: 'Pause: close the session, keep the pairing; no automatic reconnect' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'invalid_lifecycle_transition', 'concurrent_modification')
  @ZodResponse({ status: 200, type: ChannelStatusDto })
  disconnect(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @RequestId() requestId: string) {
    return this.channels.disconnect(key, channelId, requestId);
  }

  @Post(':channelId/logout')
  @HttpCode(200)
  @AuditAction('channel.logout', 'channel')
  @ApiOperation({ summary: 'Full unpair: unlink the device and wipe its credentials' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'invalid_lifecycle_transition', 'concurrent_modification')
  @ZodResponse({ status: 200, type: ChannelStatusDto })
  logout(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @RequestId() requestId: string) {
    return this.channels.logout(key, channelId, requestId);
  }

  @Post(':channelId/pair-code')
  @HttpCode(200)
  @AuditAction('channel.pair_code', 'channel')
  @ApiOperation({ summary: 'Pair with a phone number instead of a QR: returns the 8-character code to enter on the phone' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'validation', 'pair_code_unavailable', 'pair_code_failed')
  @ZodResponse({ status: 200, type: PairCodeDto })
  pairCode(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Body() body: PairCodeRequestDto) {
    return this.channels.pairCode(key, channelId, body.phone_number);
  }

  @Get(':channelId/qr')
  @ApiOperation({ summary: 'The current QR (PNG base64 and raw payload) while the channel is in status qr' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'no_qr')
  @ZodResponse({ status: 200, type: QrDto })
  qr(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string) {
    return this.channels.qr(key, channelId);
  }
}
