import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { ChannelAccessService } from '../channels/channel-access.service';
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
  'Only events of channels of your key\'s mode. When the key is revoked or expires, the stream ends with a `stream.ended` ' +
  'event (`data: { reason: "auth_invalid" | "auth_expired", message }`). At most SSE_MAX_STREAMS_PER_KEY streams per key at once.';

@ApiTags('Events')
@ApiBearerAuth()
@Controller('v1')
export class EventStreamController {
  constructor(
    private readonly stream: EventStreamService,
    private readonly access: ChannelAccessService,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'Stream every event of your channels', description: SSE_DESCRIPTION })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiResponse({ status: 200, description: 'An endless event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrorResponses('auth', 'validation')
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

  @Get('channels/:channelId/events')
  @ApiOperation({ summary: 'Stream one channel\'s events', description: SSE_DESCRIPTION })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiResponse({ status: 200, description: 'An endless event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrorResponses('auth', 'validation', 'channel_not_found', 'channel_access_denied', 'channel_scoped_key')
  async channel(
    @CurrentKey() key: ApiKeyPrincipal,
    @Param('channelId') channelId: string,
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const channel = await this.access.require(key, channelId, { allowDeleted: true });
    await this.stream.open(request, response, {
      customerId: key.customerId,
      apiKeyId: key.apiKeyId,
      mode: key.mode,
      channelId: channel.id,
      after: this.stream.resumePoint(lastEventId, query.after),
    });
  }
}
