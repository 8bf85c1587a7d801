import { Body, Delete, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequestId } from '../../platform/http/request-id';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { ChatDto, ChatPageDto, ListChatsQueryDto, UpdateChatDto } from './chats.contracts';
import { ChatsService } from './chats.service';

@ApiTags('Chats')
@ChannelController('chats')
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  @Get()
  @ApiRoute({
    summary: 'Chats of the channel (created by traffic), ordered by JID',
    status: 200,
    response: ChatPageDto,
    errors: ['validation'],
    needs: 'readable',
  })
  list(@Channel() channel: ChannelRef, @Query() query: ListChatsQueryDto) {
    return this.chats.list(channel, query);
  }

  @Get(':chatId')
  @ApiRoute({
    summary: 'One chat, by JID or E.164 number',
    status: 200,
    response: ChatDto,
    errors: ['validation', 'not_found'],
    needs: 'readable',
  })
  get(@Channel() channel: ChannelRef, @Param('chatId') chatId: string) {
    return this.chats.get(channel, chatId);
  }

  @Patch(':chatId')
  @ApiRoute({
    summary: 'Pin, archive, mute (until), mark unread/read, set the disappearing-messages timer',
    description:
      'Persisted by the gateway, published as chat.updated (plus chat.archived / chat.pinned when those change), and applied on WhatsApp when the channel is connected (`applied_on_whatsapp`).',
    status: 200,
    response: ChatDto,
    errors: ['validation', 'not_found'],
    audit: { action: 'chat.update', resourceType: 'channel' },
    needs: 'active',
  })
  update(@Channel() channel: ChannelRef, @Param('chatId') chatId: string, @Body() body: UpdateChatDto, @RequestId() requestId: string) {
    return this.chats.update(channel, chatId, body, requestId);
  }

  @Delete(':chatId')
  @ApiRoute({
    summary: 'Forget a chat locally (nothing changes on WhatsApp); a new message brings it back',
    status: 200,
    response: ChatDto,
    errors: ['validation', 'not_found'],
    audit: { action: 'chat.delete', resourceType: 'channel' },
    needs: 'active',
  })
  remove(@Channel() channel: ChannelRef, @Param('chatId') chatId: string) {
    return this.chats.remove(channel, chatId);
  }
}
