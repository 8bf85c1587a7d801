import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import type { SupportTicketRow } from './support.repository';

export const supportTicketSchema = z
  .object({
    id: z.string(),
    subject: z.string(),
    body: z.string(),
    channel_id: z.string().nullable(),
    status: z.enum(['open', 'closed']),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'SupportTicket' });

export const createSupportTicketSchema = z.object({
  subject: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(20_000),
  channel_id: z.string().min(1).max(64).optional().describe('The channel the ticket is about, if any.'),
});
export type CreateSupportTicketInput = z.infer<typeof createSupportTicketSchema>;

export class CreateSupportTicketDto extends createZodDto(createSupportTicketSchema) {}
export class SupportTicketDto extends createZodDto(topLevel(supportTicketSchema)) {}
export class SupportTicketPageDto extends createZodDto(pageSchema(supportTicketSchema)) {}
export class SupportTicketsQueryDto extends createZodDto(pageQuerySchema) {}

export function toSupportTicket(row: SupportTicketRow): z.infer<typeof supportTicketSchema> {
  return {
    id: row.id,
    subject: row.subject,
    body: row.body,
    channel_id: row.channelId,
    status: row.status as 'open' | 'closed',
    created_at: row.createdAt.toISOString(),
  };
}
