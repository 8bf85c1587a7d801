import { Injectable } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';
import { idOf, isIdOf, newId } from '../../platform/ids';
import { PageQuery, scopedListArgs, toPage } from '../../platform/pagination';
import { ApiKeyPrincipal } from '../auth/principal';
import { ChannelAccessService } from '../channels/channel-access.service';
import { CreateSupportTicketInput, toSupportTicket } from './support.contracts';
import { SupportRepository } from './support.repository';

@Injectable()
export class SupportService {
  constructor(
    private readonly tickets: SupportRepository,
    private readonly channels: ChannelAccessService,
  ) {}

  async create(key: ApiKeyPrincipal, input: CreateSupportTicketInput) {
    // The channel is checked as a channel route checks it; a ticket may be about a channel deleted since.
    const channelId =
      input.channel_id === undefined ? key.channelId : (await this.channels.require(key, input.channel_id, { allowDeleted: true })).id;
    const row = await this.tickets.create({
      id: newId('tkt'),
      customerId: key.customerId,
      channelId,
      subject: input.subject,
      body: input.body,
    });
    return toSupportTicket(row);
  }

  async get(key: ApiKeyPrincipal, id: string) {
    const row = isIdOf('tkt', id) ? await this.tickets.find(key.customerId, id) : null;
    const otherMode = row?.channelId ? (await this.channels.otherModeChannelIds(key)).includes(row.channelId) : false;
    if (!row || otherMode || (key.channelId && row.channelId !== key.channelId)) {
      throw new AppError('not_found', `No support ticket ${id}.`);
    }
    return toSupportTicket(row);
  }

  async list(key: ApiKeyPrincipal, query: PageQuery) {
    const rows = await this.tickets.list({
      ...scopedListArgs(key, query, idOf('tkt')),
      // Tickets about a channel follow its mode, as every channel route does; the others are shown to both.
      excludeChannelIds: await this.channels.otherModeChannelIds(key),
    });
    return toPage(rows, query.limit, toSupportTicket);
  }
}
