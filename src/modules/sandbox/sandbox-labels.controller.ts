import { Body, Get, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import type { ChannelRef as ChannelRefType } from '../channels/channels.contracts';
import { LABEL_COLORS, LABEL_NAME_MAX } from '../labels/labels.contracts';
import { parseRecipient } from '../whatsapp/jid';
import { TestKeyGuard } from './test-key.guard';

const phoneLabelsSchema = z
  .object({
    labels: z.array(z.object({ id: z.string(), name: z.string(), color: z.enum(LABEL_COLORS), deleted: z.boolean() })),
    chats: z.array(z.object({ label_id: z.string(), chat_id: z.string() })),
    messages: z.array(z.object({ label_id: z.string(), chat_id: z.string(), wa_message_id: z.string() })),
  })
  .meta({ id: 'SandboxPhoneLabels' });
class SandboxPhoneLabelsDto extends createZodDto(z.object(phoneLabelsSchema.shape)) {}

const phoneLabelEditSchema = z.strictObject({
  name: z.string().trim().min(1).max(LABEL_NAME_MAX),
  color: z.enum(LABEL_COLORS),
  deleted: z.boolean().default(false).describe('The phone deletes the label.'),
});
class SandboxLabelEditDto extends createZodDto(phoneLabelEditSchema) {}

const phoneLabelChatSchema = z.strictObject({ labeled: z.boolean().describe('Put the label on the chat (true) or take it off.') });
class SandboxLabelChatDto extends createZodDto(phoneLabelChatSchema) {}

/**
 * The channel's phone (a WhatsApp Business phone) changing its labels, and what it shows of them (test keys
 * only). Changes reach the channel as WhatsApp tells a linked device of changes made on the phone: app-state
 * patches and a server_sync notification.
 */
@ApiTags('Sandbox')
@ChannelController('', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxLabelsController {
  constructor(private readonly network: SandboxNetwork) {}

  @Get('labels')
  @ApiRoute({
    summary: "The labels the channel's phone shows, and what carries them (test keys only)",
    status: 200,
    response: SandboxPhoneLabelsDto,
    errors: ['not_business_account'],
    needs: 'active',
  })
  async labels(@Channel() channel: ChannelRef) {
    const phone = await this.businessPhone(channel);
    const { labels, chats, messages } = await (await this.network.simulator()).labels(phone);
    return {
      labels: labels.map((l) => ({ id: l.id, name: l.name, color: LABEL_COLORS[l.color] ?? LABEL_COLORS[0], deleted: l.deleted })),
      chats: chats.map((c) => ({ label_id: c.labelId, chat_id: c.chat })),
      messages: messages.map((m) => ({ label_id: m.labelId, chat_id: m.chat, wa_message_id: m.messageId })),
    };
  }

  @Put('labels/:labelId')
  @ApiRoute({
    summary: "The channel's phone creates, edits or deletes a label (test keys only)",
    status: 200,
    response: SandboxPhoneLabelsDto,
    errors: ['validation', 'not_business_account'],
    audit: { action: 'sandbox.label_edit', resourceType: 'channel' },
    needs: 'active',
  })
  async edit(@Channel() channel: ChannelRef, @Param('labelId') labelId: string, @Body() body: SandboxLabelEditDto) {
    const id = labelIdOf(labelId);
    const phone = await this.businessPhone(channel);
    const color = LABEL_COLORS.indexOf(body.color);
    await (await this.network.simulator()).changeLabels(phone, { kind: 'edit', id, name: body.name, color, deleted: body.deleted });
    return this.labels(channel);
  }

  @Put('labels/:labelId/chats/:chatId')
  @ApiRoute({
    summary: "The channel's phone puts a label on a chat or takes it off (test keys only)",
    status: 200,
    response: SandboxPhoneLabelsDto,
    errors: ['validation', 'not_business_account'],
    audit: { action: 'sandbox.label_chat', resourceType: 'channel' },
    needs: 'active',
  })
  async labelChat(
    @Channel() channel: ChannelRef,
    @Param('labelId') labelId: string,
    @Param('chatId') chatId: string,
    @Body() body: SandboxLabelChatDto,
  ) {
    const id = labelIdOf(labelId);
    const chat = parseRecipient(chatId, ['chat_id']);
    const phone = await this.businessPhone(channel);
    await (await this.network.simulator()).changeLabels(phone, { kind: 'chat', labelId: id, chat, labeled: body.labeled });
    return this.labels(channel);
  }

  private async businessPhone(channel: ChannelRefType): Promise<string> {
    if (!channel.phoneNumber) {
      throw new AppError('invalid_request', 'The channel is not paired with a phone yet.', { details: { reason: 'not_paired' } });
    }
    const phone = channel.phoneNumber.replace(/^\+/, '');
    if (!(await (await this.network.simulator()).isBusiness(phone))) {
      throw new AppError('not_business_account', "The channel's phone is a personal WhatsApp account: it has no labels.");
    }
    return phone;
  }
}

function labelIdOf(value: string): string {
  if (!/^\d{1,10}$/.test(value)) {
    throw new AppError('invalid_request', 'A label id is a number.', {
      details: { issues: [{ path: ['labelId'], code: 'invalid_format', message: 'not a number' }] },
    });
  }
  return value;
}
