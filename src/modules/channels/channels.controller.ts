import { Body, Controller, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequestId } from '../../platform/http/request-id';
import { ApiRoute } from '../../platform/openapi/api-route';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { Channel, ChannelController } from './channel-route';
import {
  ChannelDto,
  ChannelPageDto,
  ChannelRef,
  ChannelStatusDto,
  CreateChannelDto,
  ListChannelsQueryDto,
  PairCodeDto,
  PairCodeRequestDto,
  QrDto,
  UpdateChannelDto,
} from './channels.contracts';
import { ChannelsService } from './channels.service';

/** The channels of a key: list and create (routes under one channel are in ChannelsController). */
@ApiTags('Channels')
@ApiBearerAuth()
@Controller('v1/channels')
export class ChannelListController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @ApiRoute({
    summary: "List channels of this key's mode (a channel-scoped key sees its channel only)",
    status: 200,
    response: ChannelPageDto,
    errors: ['auth', 'validation'],
    operationId: 'Channels_list',
  })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: ListChannelsQueryDto) {
    return this.channels.list(key, query);
  }

  @Post()
  @ApiRoute({
    summary: 'Create a channel; it starts pending. Test keys create sandbox channels.',
    status: 201,
    response: ChannelDto,
    errors: ['auth', 'validation', 'plan_channel_limit', 'channel_scoped_key'],
    audit: { action: 'channel.create', resourceType: 'channel' },
    operationId: 'Channels_create',
  })
  create(@CurrentKey() key: ApiKeyPrincipal, @Body() body: CreateChannelDto) {
    return this.channels.create(key, body.name);
  }
}

@ApiTags('Channels')
@ChannelController()
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @ApiRoute({ summary: 'One channel (deleted channels stay readable)', status: 200, response: ChannelDto, needs: 'readable' })
  get(@Channel() channel: ChannelRef) {
    return this.channels.get(channel);
  }

  @Patch()
  @ApiRoute({
    summary: 'Rename a channel, or change what it does with incoming calls (`calls.auto_reject`, `calls.message`)',
    status: 200,
    response: ChannelDto,
    errors: ['validation'],
    audit: { action: 'channel.rename', resourceType: 'channel' },
    needs: 'active',
  })
  rename(@Channel() channel: ChannelRef, @Body() body: UpdateChannelDto) {
    return this.channels.update(channel, body);
  }

  @Delete()
  @ApiRoute({
    summary: 'Soft-delete: logs the device out, keeps the row and what references it',
    status: 200,
    response: ChannelDto,
    audit: { action: 'channel.delete', resourceType: 'channel' },
    needs: 'active',
  })
  remove(@Channel() channel: ChannelRef, @RequestId() requestId: string) {
    return this.channels.remove(channel, requestId);
  }

  @Get('status')
  @ApiRoute({
    summary: 'Lifecycle snapshot: status, since, reason, reconnect attempts',
    status: 200,
    response: ChannelStatusDto,
    needs: 'readable',
  })
  status(@Channel() channel: ChannelRef) {
    return this.channels.status(channel);
  }

  @Post('connect')
  @ApiRoute({
    summary: 'Start the session: pending → connecting → qr (unpaired) or connected (paired)',
    status: 202,
    response: ChannelStatusDto,
    errors: ['invalid_lifecycle_transition', 'concurrent_modification', 'worker_at_capacity'],
    audit: { action: 'channel.connect', resourceType: 'channel' },
    needs: 'active',
  })
  connect(@Channel() channel: ChannelRef, @RequestId() requestId: string) {
    return this.channels.connect(channel, requestId);
  }

  @Post('disconnect')
  @ApiRoute({
    summary: 'Pause: close the session, keep the pairing; no automatic reconnect',
    status: 200,
    response: ChannelStatusDto,
    errors: ['invalid_lifecycle_transition', 'concurrent_modification'],
    audit: { action: 'channel.disconnect', resourceType: 'channel' },
    needs: 'active',
  })
  disconnect(@Channel() channel: ChannelRef, @RequestId() requestId: string) {
    return this.channels.disconnect(channel, requestId);
  }

  @Post('logout')
  @ApiRoute({
    summary: 'Full unpair: wipe the credentials, and unlink the device on WhatsApp when the channel is connected',
    status: 200,
    response: ChannelStatusDto,
    errors: ['invalid_lifecycle_transition', 'concurrent_modification'],
    audit: { action: 'channel.logout', resourceType: 'channel' },
    needs: 'active',
  })
  logout(@Channel() channel: ChannelRef, @RequestId() requestId: string) {
    return this.channels.logout(channel, requestId);
  }

  @Post('pair-code')
  @ApiRoute({
    summary: 'Pair with a phone number instead of a QR: returns the 8-character code to enter on the phone',
    status: 200,
    response: PairCodeDto,
    errors: ['validation', 'pair_code_unavailable', 'pair_code_failed'],
    audit: { action: 'channel.pair_code', resourceType: 'channel' },
    needs: 'active',
  })
  pairCode(@Channel() channel: ChannelRef, @Body() body: PairCodeRequestDto) {
    return this.channels.pairCode(channel, body.phone_number);
  }

  @Get('qr')
  @ApiRoute({
    summary: 'The current QR (PNG base64 and raw payload) while the channel is in status qr',
    status: 200,
    response: QrDto,
    errors: ['no_qr'],
    needs: 'active',
  })
  qr(@Channel() channel: ChannelRef) {
    return this.channels.qr(channel);
  }
}
