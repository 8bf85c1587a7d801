import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ApiRoute } from '../../platform/openapi/api-route';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { EventStreamService } from './event-stream.service';

class StreamQueryDto extends createZodDto(
  z.object({
    after: z
      .string()
      .regex(/^\d{1,19}$/, 'must be an event id (a number)')
      .optional()
      .describe('Replay events after this id; the same as the Last-Event-ID header.'),
  }),
) {}

const SSE_DESCRIPTION =
  'Server-Sent Events (`text/event-stream`): one `event:` per domain event, `id:` its sequence number, `data:` ' +
  '`{ id, type, channel_id, created_at, correlation_id, payload }` (`correlation_id`: the X-Request-Id of the request that caused the event, or null). Reconnect with `Last-Event-ID` (or `?after=`) to resume without a gap. ' +
  "Only events of channels of your key's mode. When the key is revoked or expires, the stream ends with a `stream.ended` " +
  'event (`data: { reason: "auth_invalid" | "auth_expired", message }`). At most SSE_MAX_STREAMS_PER_KEY streams per key at once.';

const STREAM_RESPONSE = {
  status: 200,
  description: 'An endless event stream.',
  content: { 'text/event-stream': { schema: { type: 'string' } } },
};

@ApiTags('Events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventStreamController {
  constructor(private readonly stream: EventStreamService) {}

  @Get()
  @ApiRoute({ summary: 'Stream every event of your channels', description: SSE_DESCRIPTION, status: 200, errors: ['auth', 'validation'] })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiResponse(STREAM_RESPONSE)
  async all(
    @CurrentKey() key: ApiKeyPrincipal,
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.stream.open(request, response, {
      customerId: key.customerId,
      apiKeyId: key.apiKeyId,
      mode: key.mode,
      channelId: key.channelId ?? undefined,
      after: this.stream.resumePoint(lastEventId, query.after),
    });
  }
}

/** One channel's stream (deleted channels included: their history stays readable). */
@ApiTags('Events')
@ChannelController('events')
export class ChannelEventStreamController {
  constructor(private readonly stream: EventStreamService) {}

  @Get()
  @ApiRoute({
    summary: "Stream one channel's events",
    description: SSE_DESCRIPTION,
    status: 200,
    errors: ['validation'],
    needs: 'readable',
    operationId: 'EventStream_channel',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiResponse(STREAM_RESPONSE)
  async channel(
    @CurrentKey() key: ApiKeyPrincipal,
    @Channel() channel: ChannelRef,
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.stream.open(request, response, {
      customerId: key.customerId,
      apiKeyId: key.apiKeyId,
      mode: key.mode,
      channelId: channel.id,
      after: this.stream.resumePoint(lastEventId, query.after),
    });
  }
}
