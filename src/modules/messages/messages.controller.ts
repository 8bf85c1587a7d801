import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { RequestId } from '../../platform/http/request-id';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { ListMessagesQueryDto, MESSAGE_TYPES, MessageDto, MessagePageDto, SendMessageDto, SendResultDto } from './messages.contracts';
import { MessagesService } from './messages.service';

const CHANNEL_ERRORS = ['auth', 'channel_not_found', 'channel_access_denied', 'channel_scoped_key', 'channel_unavailable'] as const;

const SEND_DESCRIPTION = [
  'Accepted sends are persisted before the answer and sent by the worker holding the channel\'s WhatsApp connection; they survive a restart of the gateway or of Redis.',
  '`status` is `sent` when the message went out within a short wait (MESSAGE_SEND_WAIT_MS, 1.5 s by default), `queued` otherwise; follow it with message.sent / message.delivered / message.failed events or GET the message.',
  'A channel that is connected, connecting, reconnecting or disconnected (with automatic reconnect) accepts sends: they wait, persisted, until it is connected. A channel that is not meant to be connected (pending, qr, stopped_by_user, logged_out, disabled_by_admin, error, failed, deleted) answers 409 `channel_unavailable`.',
  '`client_ref`: a repeat within CLIENT_REF_WINDOW_HOURS (24 h by default) on the same channel returns the original message_id and its current status and sends nothing, also for concurrent repeats.',
  'Template and interactive messages are rendered as formatted text (linked devices cannot send Business templates or native buttons that clients display); their schemas say exactly what the recipient sees.',
].join('\n\n');

@ApiTags('Messages')
@ApiBearerAuth()
@Controller('v1')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post('channels/:channelId/messages')
  @HttpCode(202)
  @AuditAction('message.send', 'channel')
  @ApiOperation({ summary: 'Send a message (one of eleven types, discriminated by `type`)', description: SEND_DESCRIPTION })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'validation', 'concurrent_modification')
  @ZodResponse({ status: 202, type: SendResultDto })
  send(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Body() body: SendMessageDto, @RequestId() requestId: string) {
    return this.messages.send(key, channelId, body, requestId);
  }

  @Post('channels/:channelId/messages/:type')
  @HttpCode(202)
  @AuditAction('message.send', 'channel')
  @ApiOperation({ summary: 'Send a message of the type in the path (the body omits `type`)', description: SEND_DESCRIPTION })
  @ApiParam({ name: 'type', enum: MESSAGE_TYPES })
  @ApiBody({ schema: { type: 'object', description: 'The body of POST /v1/channels/{channelId}/messages for this type, without `type`.' } })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'validation', 'concurrent_modification')
  @ZodResponse({ status: 202, type: SendResultDto })
  sendTyped(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('type') type: string, @Body() body: Record<string, unknown>, @RequestId() requestId: string) {
    return this.messages.sendTyped(key, channelId, type, body, requestId);
  }

  @Get('messages')
  @ApiOperation({ summary: 'Message history of every channel of this key\'s mode (a channel-scoped key: its channel), newest first' })
  @ApiErrorResponses('auth', 'validation')
  @ZodResponse({ status: 200, type: MessagePageDto })
  listAll(@CurrentKey() key: ApiKeyPrincipal, @Query() query: ListMessagesQueryDto) {
    return this.messages.list(key, undefined, query);
  }

  @Get('channels/:channelId/messages')
  @ApiOperation({ summary: 'Message history of a channel, newest first' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'validation')
  @ZodResponse({ status: 200, type: MessagePageDto })
  list(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Query() query: ListMessagesQueryDto) {
    return this.messages.list(key, channelId, query);
  }

  @Get('channels/:channelId/messages/:messageId')
  @ApiOperation({ summary: 'One message' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'not_found')
  @ZodResponse({ status: 200, type: MessageDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('messageId') messageId: string) {
    return this.messages.get(key, channelId, messageId);
  }

  @Post('channels/:channelId/messages/:messageId/read')
  @HttpCode(200)
  @AuditAction('message.read', 'channel')
  @ApiOperation({ summary: 'Mark a received message read: sends the read receipt to its sender' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'validation', 'not_found')
  @ZodResponse({ status: 200, type: MessageDto })
  read(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('messageId') messageId: string, @RequestId() requestId: string) {
    return this.messages.markRead(key, channelId, messageId, requestId);
  }
}
