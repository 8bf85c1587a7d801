import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { settlesWithin } from '../../platform/async';
import { Batcher } from '../../platform/batcher';
import type { Prisma, RidingStatement } from '../../platform/database';
import { idOf, newId } from '../../platform/ids';
import { toStorableText } from '../../platform/storable-text';
import { Page, PageQuery, scopedListArgs, toPage } from '../../platform/pagination';
import { ApiKeyPrincipal, Principal } from '../auth/principal';
import { toAuditEvent } from './audit.contracts';
import { AuditRepository, insertAlongStatement, NewAuditEvent } from './audit.repository';

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

/** At most this many records in one statement (15 parameters each; PostgreSQL takes 65,535). */
const MAX_BATCH = 500;

/**
 * Who did what, when, with which key, and how it ended: one row per mutating API call. API calls' records are
 * written after the response, one statement at a time: those that arrive while one is being written go
 * together in the next, so a busy gateway writes one statement for many calls and an idle one writes at once.
 */
@Injectable()
export class AuditService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  /** A batch PostgreSQL refuses is written record by record, so that one bad record costs only itself. */
  private readonly records = new Batcher<NewAuditEvent, void>(
    async (events) => {
      await this.audit.insertMany(events);
      return events.map(() => undefined);
    },
    { maxSize: MAX_BATCH, isolate: () => true },
  );

  constructor(private readonly audit: AuditRepository) {}

  /**
   * Ids come from the request's path as the client sent them; a call refused for one PostgreSQL cannot hold
   * (`%00`) is recorded with U+FFFD in its place rather than not at all. Resolves once the record is written
   * (or its failure logged).
   */
  record(entry: AuditEntry): Promise<void> {
    const principal = entry.principal;
    const text = (value: string | undefined) => (value === undefined ? null : toStorableText(value));
    const event: NewAuditEvent = {
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
    };
    return this.records
      .submit(event)
      .catch((error: unknown) => this.logger.error({ err: error, action: event.action }, 'audit event not recorded'));
  }

  /**
   * A state change the gateway made (e.g. a channel transition), written in the statement that makes it, only
   * if it does (see Outbox.runAsOne). `requestId` is the request that caused it, when one did.
   */
  stateChangeAlong(entry: {
    customerId: string;
    action: string;
    resourceType: string;
    resourceId: string;
    channelId: string | null;
    requestId: string;
    details: Record<string, unknown>;
  }): RidingStatement {
    return (first, onlyIf) =>
      insertAlongStatement(
        {
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
        },
        first,
        onlyIf,
      );
  }

  /** Records of the last responses are written before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await settlesWithin(this.flush(), 5_000);
  }

  /** Lets shutdown (and tests) wait for the records not yet written. */
  flush(): Promise<void> {
    return this.records.drained();
  }

  async list(key: ApiKeyPrincipal, query: PageQuery): Promise<Page<ReturnType<typeof toAuditEvent>>> {
    const rows = await this.audit.list(scopedListArgs(key, query, idOf('aud')));
    return toPage(rows, query.limit, toAuditEvent);
  }
}
