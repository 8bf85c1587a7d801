import { Body, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { CreateLabelDto, LabelDetailDto, LabelDto, LabelListDto, UpdateLabelDto } from './labels.contracts';
import { LabelsService } from './labels.service';

const LIVE = 'Labels are changed on WhatsApp (app-state patches) and stored once WhatsApp took the change';
const BUSINESS = 'not_business_account';

@ApiTags('Labels')
@ChannelController('labels')
export class LabelsController {
  constructor(private readonly labels: LabelsService) {}

  @Get()
  @ApiRoute({
    summary: "The channel's WhatsApp Business labels, with how many chats and messages carry each",
    description: 'Kept by the gateway from WhatsApp app-state sync (WhatsApp has no request that lists labels).',
    status: 200,
    response: LabelListDto,
    errors: [BUSINESS],
    needs: 'readable',
  })
  list(@Channel() channel: ChannelRef) {
    return this.labels.list(channel);
  }

  @Post()
  @ApiRoute({
    summary: 'Create a label',
    status: 201,
    response: LabelDto,
    errors: ['validation', BUSINESS],
    audit: { action: 'label.create', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  create(@Channel() channel: ChannelRef, @Body() body: CreateLabelDto) {
    return this.labels.create(channel, body);
  }

  @Get(':labelId')
  @ApiRoute({
    summary: 'One label, with the chats and messages carrying it',
    status: 200,
    response: LabelDetailDto,
    errors: ['not_found', BUSINESS],
    needs: 'readable',
  })
  get(@Channel() channel: ChannelRef, @Param('labelId') labelId: string) {
    return this.labels.get(channel, labelId);
  }

  @Patch(':labelId')
  @ApiRoute({
    summary: 'Rename or recolour a label',
    status: 200,
    response: LabelDto,
    errors: ['validation', 'not_found', BUSINESS],
    audit: { action: 'label.update', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  update(@Channel() channel: ChannelRef, @Param('labelId') labelId: string, @Body() body: UpdateLabelDto) {
    return this.labels.update(channel, labelId, body);
  }

  @Delete(':labelId')
  @ApiNoContentResponse({ description: 'The label is deleted on WhatsApp, and taken off every chat and message.' })
  @ApiRoute({
    summary: 'Delete a label',
    status: 204,
    errors: ['not_found', BUSINESS],
    audit: { action: 'label.delete', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  remove(@Channel() channel: ChannelRef, @Param('labelId') labelId: string) {
    return this.labels.remove(channel, labelId);
  }

  @Post(':labelId/chats/:chatId')
  @ApiNoContentResponse({ description: 'The chat carries the label.' })
  @ApiRoute({
    summary: 'Label a chat (by JID or E.164 number)',
    status: 204,
    errors: ['validation', 'not_found', BUSINESS],
    audit: { action: 'label.chat_add', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  labelChat(@Channel() channel: ChannelRef, @Param('labelId') labelId: string, @Param('chatId') chatId: string) {
    return this.labels.labelChat(channel, labelId, chatId, true);
  }

  @Delete(':labelId/chats/:chatId')
  @ApiNoContentResponse({ description: 'The chat no longer carries the label.' })
  @ApiRoute({
    summary: 'Take a label off a chat',
    status: 204,
    errors: ['validation', 'not_found', BUSINESS],
    audit: { action: 'label.chat_remove', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  unlabelChat(@Channel() channel: ChannelRef, @Param('labelId') labelId: string, @Param('chatId') chatId: string) {
    return this.labels.labelChat(channel, labelId, chatId, false);
  }

  @Post(':labelId/messages/:messageId')
  @ApiNoContentResponse({ description: 'The message carries the label.' })
  @ApiRoute({
    summary: 'Label a stored message (by its gateway id)',
    status: 204,
    errors: ['not_found', BUSINESS],
    audit: { action: 'label.message_add', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  labelMessage(@Channel() channel: ChannelRef, @Param('labelId') labelId: string, @Param('messageId') messageId: string) {
    return this.labels.labelMessage(channel, labelId, messageId, true);
  }

  @Delete(':labelId/messages/:messageId')
  @ApiNoContentResponse({ description: 'The message no longer carries the label.' })
  @ApiRoute({
    summary: 'Take a label off a message',
    status: 204,
    errors: ['not_found', BUSINESS],
    audit: { action: 'label.message_remove', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  unlabelMessage(@Channel() channel: ChannelRef, @Param('labelId') labelId: string, @Param('messageId') messageId: string) {
    return this.labels.labelMessage(channel, labelId, messageId, false);
  }
}
