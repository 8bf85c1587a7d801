import { Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequestId } from '../../platform/http/request-id';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { RejectedCallDto } from './calls.contracts';
import { CallsService } from './calls.service';

@ApiTags('Calls')
@ChannelController('calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post(':callId/reject')
  @ApiRoute({
    summary: 'Reject a ringing call: the caller sees it declined (connected channels)',
    description:
      'The call id is the one of its `call.offered` event. A call that is unknown or no longer ringing answers 404 `not_found`. ' +
      'Calls cannot be answered or placed through the API: WhatsApp gives linked devices no way to.',
    status: 200,
    response: RejectedCallDto,
    errors: ['not_found'],
    audit: { action: 'call.reject', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: 'Calls are rejected on WhatsApp',
  })
  reject(@Channel() channel: ChannelRef, @Param('callId') callId: string, @RequestId() requestId: string) {
    return this.calls.reject(channel, callId, requestId);
  }
}
