import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { LabelsPort } from '../../engine/ports/labels.port';
import type { LabelsEvent } from '../../engine/ports/session-events';
import { SessionManager } from '../../engine/session-manager';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import { ChannelsService } from '../channels/channels.service';
import { MessagesService } from '../messages/messages.service';
import { parseRecipient } from '../whatsapp/jid';
import {
  colorName,
  type CreateLabelInput,
  isLabelId,
  type Label,
  LABEL_COLORS,
  type LabelColor,
  type UpdateLabelInput,
} from './labels.contracts';
import { type LabelAssociationRow, type LabelRow, LabelsRepository, type LabelTarget } from './labels.repository';

/**
 * WhatsApp Business labels, kept gateway-side because WhatsApp has no request that lists them: the table is
 * fed by the channel's app-state sync (the initial sync after pairing, and every change made on the phone or
 * another device) and by the API's own changes, which are made on WhatsApp first and stored once it took them.
 */
@Injectable()
export class LabelsService implements OnModuleInit {
  private readonly logger = new Logger(LabelsService.name);

  constructor(
    private readonly labels: LabelsRepository,
    private readonly whatsapp: LabelsPort,
    private readonly sessions: SessionManager,
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
  ) {}

  onModuleInit(): void {
    this.sessions.onChannelEvent('labels', (channelId, event) =>
      this.apply(channelId, event).catch((error: unknown) =>
        this.logger.error({ err: error, channel_id: channelId, event: event.type }, 'label event not applied'),
      ),
    );
  }

  async list(channel: ChannelRef): Promise<{ data: Label[] }> {
    await this.refuseIfPersonal(channel);
    const [rows, associations] = await Promise.all([this.labels.list(channel.id), this.labels.associations(channel.id)]);
    const data = rows.map((row) => toLabel(row, associations)).sort((a, b) => Number(a.id) - Number(b.id));
    return { data };
  }

  async get(channel: ChannelRef, labelId: string) {
    await this.refuseIfPersonal(channel);
    const row = await this.require(channel.id, labelId);
    const associations = await this.labels.associations(channel.id, row.id);
    const messages = await Promise.all(
      associations
        .filter((a) => a.waMessageId !== '')
        .map(async (a) => ({
          chat_id: a.chatJid,
          wa_message_id: a.waMessageId,
          message_id: (await this.messages.findByWaId(channel.id, a.waMessageId))?.id ?? null,
        })),
    );
    return {
      ...toLabel(row, associations),
      chats: associations.filter((a) => a.waMessageId === '').map((a) => ({ chat_id: a.chatJid })),
      messages,
    };
  }

  async create(channel: ChannelRef, input: CreateLabelInput): Promise<Label> {
    await this.refuseIfPersonal(channel);
    // the device that creates a label chooses its id; WhatsApp's apps count up from the highest one
    const ids = (await this.labels.ids(channel.id)).filter(isLabelId).map(Number);
    const id = String(Math.max(0, ...ids) + 1);
    return this.save(channel, { id, name: input.name, color: input.color });
  }

  async update(channel: ChannelRef, labelId: string, input: UpdateLabelInput): Promise<Label> {
    await this.refuseIfPersonal(channel);
    const row = await this.require(channel.id, labelId);
    return this.save(channel, { id: row.id, name: input.name ?? row.name, color: input.color ?? colorName(row.color) });
  }

  async remove(channel: ChannelRef, labelId: string): Promise<void> {
    await this.refuseIfPersonal(channel);
    const row = await this.require(channel.id, labelId);
    await this.whatsapp.edit(channel.id, { id: row.id, name: row.name, color: row.color, deleted: true });
    await this.labels.remove(channel.id, row.id);
  }

  async labelChat(channel: ChannelRef, labelId: string, chatId: string, labeled: boolean): Promise<void> {
    await this.refuseIfPersonal(channel);
    const row = await this.require(channel.id, labelId);
    const chatJid = parseRecipient(chatId, ['chat_id']);
    await this.associate(channel, row.id, { chatJid }, labeled);
  }

  async labelMessage(channel: ChannelRef, labelId: string, messageId: string, labeled: boolean): Promise<void> {
    await this.refuseIfPersonal(channel);
    const row = await this.require(channel.id, labelId);
    const message = await this.messages.get(channel, messageId);
    await this.associate(channel, row.id, { chatJid: message.chat_id, waMessageId: message.wa_message_id }, labeled);
  }

  private async associate(channel: ChannelRef, labelId: string, target: LabelTarget, labeled: boolean): Promise<void> {
    await this.whatsapp.associate(channel.id, labelId, target, labeled);
    await this.labels.associate(channel.id, labelId, target, labeled);
  }

  private async save(channel: ChannelRef, label: { id: string; name: string; color: LabelColor }): Promise<Label> {
    const color = LABEL_COLORS.indexOf(label.color);
    await this.whatsapp.edit(channel.id, { id: label.id, name: label.name, color, deleted: false });
    const row = await this.labels.upsert(channel.id, channel.customerId, { id: label.id, name: label.name, color });
    return toLabel(row, await this.labels.associations(channel.id, row.id));
  }

  /** What another device (or this one's own patches, echoed) changed. */
  private async apply(channelId: string, event: LabelsEvent): Promise<void> {
    if (event.type === 'label_association') {
      await this.labels.associate(channelId, event.labelId, event.target, event.labeled);
      return;
    }
    const { label } = event;
    if (label.deleted) {
      await this.labels.remove(channelId, label.id);
      return;
    }
    const owner = await this.channels.owner(channelId);
    if (owner) await this.labels.upsert(channelId, owner.customerId, label);
  }

  /** A personal account has no labels; when the channel is not connected the stored labels are answered. */
  private async refuseIfPersonal(channel: ChannelRef): Promise<void> {
    if ((await this.whatsapp.isBusiness(channel.id)) === false) {
      throw new AppError(
        'not_business_account',
        'Labels exist only on WhatsApp Business accounts; this channel is linked to a personal WhatsApp account.',
      );
    }
  }

  private async require(channelId: string, labelId: string): Promise<LabelRow> {
    const row = isLabelId(labelId) ? await this.labels.find(channelId, labelId) : null;
    if (!row) throw new AppError('not_found', `No label ${labelId} on this channel.`);
    return row;
  }
}

function toLabel(row: LabelRow, associations: LabelAssociationRow[]): Label {
  const own = associations.filter((a) => a.labelId === row.id);
  return {
    id: row.id,
    name: row.name,
    color: colorName(row.color),
    color_index: row.color,
    chat_count: own.filter((a) => a.waMessageId === '').length,
    message_count: own.filter((a) => a.waMessageId !== '').length,
  };
}
