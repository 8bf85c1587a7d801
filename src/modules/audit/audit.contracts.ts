import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema } from '../../platform/pagination';
import type { AuditEventRow } from './audit.repository';

export const auditEventSchema = z
  .object({
    id: z.string(),
    action: z.string().describe('What was attempted, e.g. `support_ticket.create`.'),
    actor: z
      .object({ type: z.enum(['api_key', 'admin', 'system']), api_key_id: z.string().nullable() })
      .describe('`system`: a change the gateway made itself, such as a channel state transition.'),
    method: z.string().nullable(),
    path: z.string().nullable(),
    resource: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
    channel_id: z.string().nullable(),
    status_code: z.number().int().nullable(),
    outcome: z.enum(['succeeded', 'failed']),
    error_code: z.string().nullable(),
    request_id: z.string().describe('The request that caused it.'),
    details: z.record(z.string(), z.unknown()).nullable().describe('For state changes: from, to and the reason.'),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'AuditEvent' });

export class AuditEventPageDto extends createZodDto(pageSchema(auditEventSchema)) {}
export class AuditEventsQueryDto extends createZodDto(pageQuerySchema) {}

export function toAuditEvent(row: AuditEventRow): z.infer<typeof auditEventSchema> {
  return {
    id: row.id,
    action: row.action,
    actor: { type: row.actorType as 'api_key' | 'admin' | 'system', api_key_id: row.apiKeyId },
    method: row.method,
    path: row.path,
    resource: { type: row.resourceType, id: row.resourceId },
    channel_id: row.channelId,
    status_code: row.statusCode,
    outcome: row.outcome as 'succeeded' | 'failed',
    error_code: row.errorCode,
    request_id: row.requestId,
    details: (row.details as Record<string, unknown> | null) ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
