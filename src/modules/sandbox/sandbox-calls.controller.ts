import { Body, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { SandboxCallDto, SandboxCallEndDto, SandboxCallOfferDto } from './sandbox-calls.contracts';
import { SandboxCallsService } from './sandbox-calls.service';
import { TestKeyGuard } from './test-key.guard';

@ApiTags('Sandbox')
@ChannelController('calls', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxCallsController {
  constructor(private readonly calls: SandboxCallsService) {}

  @Post()
  @ApiRoute({
    summary: "A simulated contact calls the channel, alone or in a group call: the channel's devices ring (test keys only)",
    status: 201,
    response: SandboxCallDto,
    errors: ['validation', 'not_found'],
    audit: { action: 'sandbox.call', resourceType: 'channel' },
    needs: 'active',
  })
  offer(@Channel() channel: ChannelRef, @Body() body: SandboxCallOfferDto) {
    return this.calls.offer(channel, body.from, body.video, body.group);
  }

  @Post(':callId/end')
  @ApiRoute({
    summary: 'The sandbox call ends: the caller hangs up, WhatsApp stops ringing, or the phone answers or hangs up (test keys only)',
    status: 200,
    response: SandboxCallDto,
    errors: ['validation', 'not_found'],
    audit: { action: 'sandbox.call_end', resourceType: 'channel' },
    needs: 'active',
  })
  end(@Channel() channel: ChannelRef, @Param('callId') callId: string, @Body() body: SandboxCallEndDto) {
    return this.calls.end(channel, callId, body.how);
  }
}
