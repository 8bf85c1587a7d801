import { Injectable, Logger } from '@nestjs/common';
import type { Prisma } from '../../platform/database';
import type { Transaction } from '../../platform/database/transactions';
import { idOf, newId } from '../../platform/ids';
import { toStorableText } from '../../platform/storable-text';
import { Page, PageQuery, scopedListArgs, toPage } from '../../platform/pagination';
import { ApiKeyPrincipal, Principal } from '../auth/principal';
import { toAuditEvent } from './audit.contracts';
import { AuditRepository } from './audit.repository';

export interface AuditEntry {
  principal?: Principal;
  action: string;
  method: string;
  path: string;
  resourceType?: string;
  resourceId?: string;
  channelId?: string;
  statusCode: number;
  errorCode?: string;
  requestId: string;
}

/** Who did what, when, with which key, and how it ended: one row per mutating API call. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly audit: AuditRepository) {}

  /**
   * Ids come from the request's path as the client sent them; a call refused for one PostgreSQL cannot hold
   * (`%00`) is recorded with U+FFFD in its place rather than not at all.
   */
  record(entry: AuditEntry): Promise<void> {
    const principal = entry.principal;
    const text = (value: string | undefined) => (value === undefined ? null : toStorableText(value));
    const write = this.audit
      .insert({
        id: newId('aud'),
        customerId: principal?.kind === 'api_key' ? principal.customerId : null,
        actorType: principal?.kind ?? 'anonymous',
        apiKeyId: principal?.kind === 'api_key' ? principal.apiKeyId : null,
        action: toStorableText(entry.action),
        method: entry.method,
        path: toStorableText(entry.path),
        resourceType: entry.resourceType ?? null,
        resourceId: text(entry.resourceId),
        channelId: text(entry.channelId),
        statusCode: entry.statusCode,
        outcome: entry.statusCode < 400 ? 'succeeded' : 'failed',
        errorCode: entry.errorCode ?? null,
        requestId: entry.requestId,
      })
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error, action: entry.action }, 'audit event not recorded'));
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
    return write;
  }

  /**
   * A state change the gateway made (e.g. a channel transition), written in the transaction that made it.
   * `requestId` is the request that caused it, when one did.
   */
  async recordStateChange(
    tx: Transaction,
    entry: {
      customerId: string;
      action: string;
      resourceType: string;
      resourceId: string;
      channelId: string | null;
      requestId: string;
      details: Record<string, unknown>;
    },
  ): Promise<void> {
    await this.audit.insertInTransaction(tx, {
      id: newId('aud'),
      customerId: entry.customerId,
      actorType: 'system',
      apiKeyId: null,
      action: entry.action,
      method: null,
      path: null,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      channelId: entry.channelId,
      statusCode: null,
      outcome: 'succeeded',
      errorCode: null,
      requestId: entry.requestId,
      details: entry.details as Prisma.InputJsonValue,
    });
  }

  /** Lets shutdown (and tests) wait for writes still in flight. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async list(key: ApiKeyPrincipal, query: PageQuery): Promise<Page<ReturnType<typeof toAuditEvent>>> {
    const rows = await this.audit.list(scopedListArgs(key, query, idOf('aud')));
    return toPage(rows, query.limit, toAuditEvent);
  }
}
