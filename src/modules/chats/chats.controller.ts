import { Body, Controller, Delete, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { RequestId } from '../../platform/http/request-id';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { ChatDto, ChatPageDto, ListChatsQueryDto, UpdateChatDto } from './chats.contracts';
import { ChatsService } from './chats.service';

const ERRORS = ['auth', 'channel_not_found', 'channel_access_denied', 'channel_scoped_key', 'channel_unavailable'] as const;

@ApiTags('Chats')
@ApiBearerAuth()
@Controller('v1/channels/:channelId/chats')
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  @Get()
  @ApiOperation({ summary: 'Chats of the channel (created by traffic), ordered by JID' })
  @ApiErrorResponses(...ERRORS, 'validation')
  @ZodResponse({ status: 200, type: ChatPageDto })
  list(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Query() query: ListChatsQueryDto) {
    return this.chats.list(key, channelId, query);
  }

  @Get(':chatId')
  @ApiOperation({ summary: 'One chat, by JID or E.164 number' })
  @ApiErrorResponses(...ERRORS, 'validation', 'not_found')
  @ZodResponse({ status: 200, type: ChatDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('chatId') chatId: string) {
    return this.chats.get(key, channelId, chatId);
  }

  @Patch(':chatId')
  @AuditAction('chat.update', 'channel')
  @ApiOperation({
    summary: 'Pin, archive, mute (until), mark unread/read, set the disappearing-messages timer',
    description:
      'Persisted by the gateway, published as chat.updated (plus chat.archived / chat.pinned when those change), and applied on WhatsApp when the channel is connected (`applied_on_whatsapp`).',
  })
  @ApiErrorResponses(...ERRORS, 'validation', 'not_found')
  @ZodResponse({ status: 200, type: ChatDto })
  update(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('chatId') chatId: string, @Body() body: UpdateChatDto, @RequestId() requestId: string) {
    return this.chats.update(key, channelId, chatId, body, requestId);
  }

  @Delete(':chatId')
  @AuditAction('chat.delete', 'channel')
  @ApiOperation({ summary: 'Forget a chat locally (nothing changes on WhatsApp); a new message brings it back' })
  @ApiErrorResponses(...ERRORS, 'validation', 'not_found')
  @ZodResponse({ status: 200, type: ChatDto })
  remove(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('chatId') chatId: string) {
    return this.chats.remove(key, channelId, chatId);
  }
}
