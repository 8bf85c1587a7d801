import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION_KEY = 'whatisup:audit-action';

/** Names a mutating route's action in the audit log, with the type of resource it acts on. */
export const AuditAction = (action: string, resourceType?: string) => SetMetadata(AUDIT_ACTION_KEY, { action, resourceType });

export interface AuditActionMeta {
  action: string;
  resourceType?: string;
}
