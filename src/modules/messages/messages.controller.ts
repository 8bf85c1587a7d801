import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestId } from '../../platform/http/request-id';
import { ApiRoute } from '../../platform/openapi/api-route';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { ListMessagesQueryDto, MESSAGE_TYPES, MessageDto, MessagePageDto, SendMessageDto, SendResultDto } from './messages.contracts';
import { MessagesService } from './messages.service';

const SEND_DESCRIPTION = [
  "Accepted sends are persisted before the answer and sent by the worker holding the channel's WhatsApp connection; they survive a restart of the gateway or of Redis.",
  'By default the answer is immediate, with `status: queued`; follow it with message.sent / message.delivered / message.failed events or GET the message. A client that wants to know more before it is answered sends `Prefer: wait=<seconds>` (RFC 7240, at most MESSAGE_SEND_MAX_WAIT_MS, 10 s by default): the answer then comes when the message went out (`sent`), failed (`failed`), or the wait ran out (`queued`), and `Preference-Applied` says what was honoured.',
  'A channel that is connected, connecting, reconnecting or disconnected (with automatic reconnect) accepts sends: they wait, persisted, until it is connected. A channel that is not meant to be connected (pending, qr, stopped_by_user, logged_out, disabled_by_admin, error, failed, deleted) answers 409 `channel_unavailable`.',
  '`client_ref`: a repeat within CLIENT_REF_WINDOW_HOURS (24 h by default) on the same channel returns the original message_id and its current status and sends nothing, also for concurrent repeats.',
  'Template and interactive messages are rendered as formatted text (linked devices cannot send Business templates or native buttons that clients display); their schemas say exactly what the recipient sees.',
].join('\n\n');

const PREFER_HEADER = {
  name: 'Prefer',
  required: false,
  description:
    '`wait=<seconds>`: answer once the message went out, failed, or the wait ran out (at most MESSAGE_SEND_MAX_WAIT_MS). `respond-async`: answer at once (the default).',
  example: 'wait=2',
};

@ApiTags('Messages')
@ChannelController('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @ApiRoute({
    summary: 'Send a message (one of eleven types, discriminated by `type`)',
    description: SEND_DESCRIPTION,
    status: 202,
    response: SendResultDto,
    errors: ['validation', 'concurrent_modification'],
    audit: { action: 'message.send', resourceType: 'channel' },
    needs: 'accepting',
  })
  @ApiHeader(PREFER_HEADER)
  send(
    @Channel() channel: ChannelRef,
    @Body() body: SendMessageDto,
    @RequestId() requestId: string,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.messages.send(channel, body, requestId, this.waitOf(prefer, response));
  }

  @Post(':type')
  @ApiRoute({
    summary: 'Send a message of the type in the path (the body omits `type`)',
    description: SEND_DESCRIPTION,
    status: 202,
    response: SendResultDto,
    errors: ['validation', 'concurrent_modification'],
    audit: { action: 'message.send', resourceType: 'channel' },
    needs: 'accepting',
  })
  @ApiParam({ name: 'type', enum: MESSAGE_TYPES })
  @ApiBody({ schema: { type: 'object', description: 'The body of POST /v1/channels/{channelId}/messages for this type, without `type`.' } })
  @ApiHeader(PREFER_HEADER)
  sendTyped(
    @Channel() channel: ChannelRef,
    @Param('type') type: string,
    @Body() body: Record<string, unknown>,
    @RequestId() requestId: string,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.messages.sendTyped(channel, type, body, requestId, this.waitOf(prefer, response));
  }

  private waitOf(prefer: string | undefined, response: Response): number {
    const wait = this.messages.waitOf(prefer);
    if (wait.applied) response.setHeader('Preference-Applied', wait.applied);
    return wait.waitMs;
  }

  @Get()
  @ApiRoute({
    summary: 'Message history of a channel, newest first',
    status: 200,
    response: MessagePageDto,
    errors: ['validation'],
    needs: 'readable',
  })
  list(@CurrentKey() key: ApiKeyPrincipal, @Channel() channel: ChannelRef, @Query() query: ListMessagesQueryDto) {
    return this.messages.list(key, channel, query);
  }

  @Get(':messageId')
  @ApiRoute({ summary: 'One message', status: 200, response: MessageDto, errors: ['not_found'], needs: 'readable' })
  get(@Channel() channel: ChannelRef, @Param('messageId') messageId: string) {
    return this.messages.get(channel, messageId);
  }

  @Post(':messageId/read')
  @ApiRoute({
    summary: 'Mark a received message read: sends the read receipt to its sender',
    status: 200,
    response: MessageDto,
    errors: ['validation', 'not_found'],
    audit: { action: 'message.read', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: 'The read receipt goes over WhatsApp',
  })
  read(@Channel() channel: ChannelRef, @Param('messageId') messageId: string, @RequestId() requestId: string) {
    return this.messages.markRead(channel, messageId, requestId);
  }
}

/** The history of every channel a key may see (routes under one channel are in MessagesController). */
@ApiTags('Messages')
@ApiBearerAuth()
@Controller('v1/messages')
export class MessageHistoryController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiRoute({
    summary: "Message history of every channel of this key's mode (a channel-scoped key: its channel), newest first",
    status: 200,
    response: MessagePageDto,
    errors: ['auth', 'validation'],
    operationId: 'Messages_listAll',
  })
  listAll(@CurrentKey() key: ApiKeyPrincipal, @Query() query: ListMessagesQueryDto) {
    return this.messages.list(key, undefined, query);
  }
}
