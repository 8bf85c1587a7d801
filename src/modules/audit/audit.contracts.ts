import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema } from '../../platform/pagination';
import type { AuditEventRow } from './audit.repository';

export const auditEventSchema = z
  .object({
    id: z.string(),
    action: z.string().describe('What was attempted, e.g. `support_ticket.create`.'),
    actor: z.object({ type: z.enum(['api_key', 'admin', 'anonymous']), api_key_id: z.string().nullable() }),
    method: z.string(),
    path: z.string(),
    resource: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
    channel_id: z.string().nullable(),
    status_code: z.number().int(),
    outcome: z.enum(['succeeded', 'failed']),
    error_code: z.string().nullable(),
    request_id: z.string(),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'AuditEvent' });

export class AuditEventPageDto extends createZodDto(pageSchema(auditEventSchema)) {}
export class AuditEventsQueryDto extends createZodDto(pageQuerySchema) {}

export function toAuditEvent(row: AuditEventRow): z.infer<typeof auditEventSchema> {
  return {
    id: row.id,
    action: row.action,
    actor: { type: row.actorType as 'api_key' | 'admin' | 'anonymous', api_key_id: row.apiKeyId },
    method: row.method,
    path: row.path,
    resource: { type: row.resourceType, id: row.resourceId },
    channel_id: row.channelId,
    status_code: row.statusCode,
    outcome: row.outcome as 'succeeded' | 'failed',
    error_code: row.errorCode,
    request_id: row.requestId,
    created_at: row.createdAt.toISOString(),
  };
}
