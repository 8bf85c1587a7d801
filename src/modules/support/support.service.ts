import { Injectable } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';
import { idOf, isIdOf, newId } from '../../platform/ids';
import { decodeCursor, PageQuery, toPage } from '../../platform/pagination';
import { ApiKeyPrincipal } from '../auth/principal';
import { CreateSupportTicketInput, toSupportTicket } from './support.contracts';
import { SupportRepository } from './support.repository';

@Injectable()
export class SupportService {
  constructor(private readonly tickets: SupportRepository) {}

  async create(key: ApiKeyPrincipal, input: CreateSupportTicketInput) {
    if (key.channelId && input.channel_id && input.channel_id !== key.channelId) {
      throw new AppError('channel_scoped_key', `This key is scoped to channel ${key.channelId}.`, {
        details: { key_channel_id: key.channelId, requested_channel_id: input.channel_id },
      });
    }
    const row = await this.tickets.create({
      id: newId('tkt'),
      customerId: key.customerId,
      channelId: input.channel_id ?? key.channelId,
      subject: input.subject,
      body: input.body,
    });
    return toSupportTicket(row);
  }

  async get(key: ApiKeyPrincipal, id: string) {
    const row = isIdOf('tkt', id) ? await this.tickets.find(key.customerId, id) : null;
    if (!row || (key.channelId && row.channelId !== key.channelId)) {
      throw new AppError('not_found', `No support ticket ${id}.`);
    }
    return toSupportTicket(row);
  }

  async list(key: ApiKeyPrincipal, query: PageQuery) {
    const rows = await this.tickets.list({
      customerId: key.customerId,
      channelId: key.channelId ?? undefined,
      before: decodeCursor(query.cursor, idOf('tkt')),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, toSupportTicket);
  }
}
