import { Body, Get, Post, Query } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { RequestId } from '../../platform/http/request-id';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import {
  SandboxInboundBody,
  SandboxInboundResultDto,
  SandboxOutboxDto,
  SandboxOutboxQueryDto,
  SandboxPairCodeDto,
  SandboxPhoneDto,
  SandboxReceiptDto,
  SandboxReceiptResultDto,
  SandboxScanDto,
} from './sandbox.contracts';
import { SandboxService } from './sandbox.service';
import { TestKeyGuard } from './test-key.guard';

@ApiTags('Sandbox')
@ChannelController('', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxController {
  constructor(private readonly sandbox: SandboxService) {}

  @Post('scan')
  @ApiRoute({
    summary: "A simulated phone scans the channel's current QR (test keys only)",
    status: 200,
    response: SandboxPhoneDto,
    errors: ['validation', 'no_qr'],
    audit: { action: 'sandbox.scan', resourceType: 'channel' },
    needs: 'active',
  })
  scan(@Channel() channel: ChannelRef, @Body() body: SandboxScanDto, @RequestId() requestId: string) {
    return this.sandbox.scan(channel, body.phone_number, requestId, body.business);
  }

  @Post('pair-code')
  @ApiRoute({
    summary: 'The simulated phone enters a pair code (test keys only)',
    status: 200,
    response: SandboxPhoneDto,
    errors: ['validation', 'pair_code_failed'],
    audit: { action: 'sandbox.pair_code', resourceType: 'channel' },
    needs: 'active',
  })
  pairCode(@Channel() channel: ChannelRef, @Body() body: SandboxPairCodeDto, @RequestId() requestId: string) {
    return this.sandbox.enterPairCode(channel, body.code, body.phone_number, requestId);
  }

  @Post('unlink')
  @ApiRoute({
    summary: 'The phone removes the linked device: the channel is logged out (test keys only)',
    status: 200,
    response: SandboxPhoneDto,
    audit: { action: 'sandbox.unlink', resourceType: 'channel' },
    needs: 'active',
  })
  unlink(@Channel() channel: ChannelRef, @RequestId() requestId: string) {
    return this.sandbox.unlink(channel, requestId);
  }

  @Post('drop')
  @ApiRoute({
    summary: 'Drop the network connection: the channel reconnects with backoff (test keys only)',
    status: 200,
    response: SandboxPhoneDto,
    audit: { action: 'sandbox.drop', resourceType: 'channel' },
    needs: 'active',
  })
  drop(@Channel() channel: ChannelRef, @RequestId() requestId: string) {
    return this.sandbox.drop(channel, requestId);
  }

  @Post('inbound')
  @ApiRoute({
    summary: 'A simulated contact sends a message to the channel (test keys only)',
    description:
      'Body: `from` (E.164) and a message in the shapes of POST /v1/channels/{channelId}/messages (without `to`). Template and interactive messages arrive as the text they render to; media is fetched from `source_url`.',
    status: 202,
    response: SandboxInboundResultDto,
    errors: ['validation'],
    audit: { action: 'sandbox.inbound', resourceType: 'channel' },
    needs: 'active',
  })
  @ApiBody({ schema: { type: 'object', required: ['from', 'type'], properties: { from: { type: 'string' }, type: { type: 'string' } } } })
  inbound(@Channel() channel: ChannelRef, @Body() body: SandboxInboundBody, @RequestId() requestId: string) {
    return this.sandbox.inbound(channel, body, requestId);
  }

  @Get('outbox')
  @ApiRoute({
    summary: 'What simulated contacts received from this channel, decrypted (test keys only)',
    status: 200,
    response: SandboxOutboxDto,
    errors: ['validation'],
    needs: 'active',
  })
  outbox(@Channel() channel: ChannelRef, @Query() query: SandboxOutboxQueryDto) {
    return this.sandbox.outbox(channel, query.to);
  }

  @Post('receipts')
  @ApiRoute({
    summary: 'The recipient of a message reports it delivered or read (test keys only)',
    status: 200,
    response: SandboxReceiptResultDto,
    errors: ['validation'],
    audit: { action: 'sandbox.receipt', resourceType: 'channel' },
    needs: 'active',
  })
  receipt(@Channel() channel: ChannelRef, @Body() body: SandboxReceiptDto, @RequestId() requestId: string) {
    return this.sandbox.receipt(channel, body.message_id, body.status, requestId);
  }
}
