import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { WireStatus } from '../../engine/message-content';
import { Batcher } from '../../platform/batcher';
import { isDatabaseUnavailable } from '../../platform/database';
import { Outbox, Publish } from '../events/outbox';
import { statusPayload } from './message.mapper';
import { afterTransition, MessageChanges, MessageRow, MessagesRepository } from './messages.repository';

/** Progress of an outbound message; a status only ever moves forward. `failed` is final. */
const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4 };
const STEPS: Array<[status: 'sent' | 'delivered' | 'read', at: 'sentAt' | 'deliveredAt' | 'readAt']> = [
  ['sent', 'sentAt'],
  ['delivered', 'deliveredAt'],
  ['read', 'readAt'],
];
const MAX_RACES = 5;
/** Status changes in one statement at most; more wait for the next. */
const WRITE_BATCH = 100;
/**
 * Statements of status changes at once. One: what comes while it commits goes in the next, so under load the
 * statements follow the time a commit takes rather than the rate of changes. With two at once, bench:dispatch
 * wrote 3,003 status statements for 2,000 sent messages (4,000 changes), with one 1,862, and PostgreSQL's CPU a
 * message fell by a third (send-profile.md). When idle a change still goes at once.
 */
const WRITE_CONCURRENCY = 1;
type EventStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** A status change to write: the message as it was decided on, what changes, and the events it makes. */
interface StatusWrite {
  row: MessageRow;
  data: MessageChanges;
  steps: EventStatus[];
  correlationId: string | null;
}

interface AdvanceOptions {
  reason?: string;
  at?: Date;
  /** The request that reported this change (a sandbox receipt); by default the send's own request. */
  correlationId?: string | null;
  /**
   * The failure is WhatsApp's server refusing a message the socket already handed over (an error in its ack:
   * a group the channel may not post in, a restricted account): it fails a `sent` message too, since it will
   * never be delivered. Nothing fails a delivered or read one.
   */
  refusedAfterSend?: boolean;
}

/**
 * Moves outbound messages through queued → sent → delivered → read (or failed; from sent only when WhatsApp's
 * server refused it after the send, which also fills in a sent not yet recorded), persisting each change with
 * its events in one statement. A receipt that skips a step (a delivery seen before the send's own ack)
 * fills in the steps it skipped, so every consumer sees sent before delivered. Changes of several messages that
 * come while others are being written share a statement (up to WRITE_BATCH, WRITE_CONCURRENCY at once).
 */
@Injectable()
export class MessageStatusService {
  /** Local notice of status changes: a send request waits on it for its short budget. */
  readonly changes = new EventEmitter().setMaxListeners(0);

  private readonly writes = new Batcher<StatusWrite, MessageRow | null>((changes) => this.writeTogether(changes), {
    maxSize: WRITE_BATCH,
    concurrency: WRITE_CONCURRENCY,
    isolate: (error) => !isDatabaseUnavailable(error),
  });

  constructor(
    private readonly messages: MessagesRepository,
    private readonly outbox: Outbox,
  ) {}

  async advance(row: MessageRow, target: WireStatus, options: AdvanceOptions = {}): Promise<MessageRow> {
    let current: MessageRow | null = row;
    for (let race = 0; race < MAX_RACES && current; race++) {
      const outcome = await this.tryAdvance(current, target, options);
      if (outcome) return outcome;
      current = await this.messages.find(row.id);
    }
    return current ?? row;
  }

  private async tryAdvance(row: MessageRow, target: WireStatus, options: AdvanceOptions): Promise<MessageRow | null> {
    if (row.status === 'failed' || row.direction !== 'outbound') return row;
    if (target !== 'failed' && RANK[row.status] >= RANK[target]) return row;
    if (target === 'failed' && RANK[row.status] >= (options.refusedAfterSend ? RANK.delivered : RANK.sent)) return row;
    const at = options.at ?? new Date();
    const data: MessageChanges = { status: target, claimedUntil: null };
    const steps: EventStatus[] = [];
    if (target === 'failed') {
      // Refused in WhatsApp's ack, it was handed over: consumers see it sent first, also when the ack came
      // back before the send itself had recorded it.
      if (options.refusedAfterSend && RANK[row.status] < RANK.sent) {
        data.sentAt = row.sentAt ?? at;
        steps.push('sent');
      }
      data.failureReason = options.reason ?? 'unknown';
      steps.push('failed');
    } else {
      for (const [status, field] of STEPS) {
        if (RANK[status] > RANK[row.status] && RANK[status] <= RANK[target]) {
          data[field] = row[field] ?? at;
          steps.push(status);
        }
      }
    }
    const updated = await this.write(row, data, steps, options.correlationId ?? row.correlationId);
    if (!updated) return null;
    this.changes.emit(updated.id, updated);
    return updated;
  }

  /** An inbound message this channel read: `read`, with a stream-only `message.read` event. */
  async markInboundRead(row: MessageRow, correlationId: string): Promise<MessageRow> {
    const updated = await this.write(row, { status: 'read', readAt: new Date() }, ['read'], correlationId);
    // Read by a concurrent request meanwhile: as it is now.
    return updated ?? (await this.messages.find(row.id)) ?? row;
  }

  /**
   * The change and its events, if the message still has the status it was decided on; null when it moved on
   * meanwhile (nothing written).
   */
  private write(row: MessageRow, data: MessageChanges, steps: EventStatus[], correlationId: string | null): Promise<MessageRow | null> {
    return this.writes.submit({ row, data, steps, correlationId });
  }

  /**
   * Changes that came while others were being written, in one statement with their events (Outbox.runEachAsOne).
   * A message changes at most once in a statement: a second change of it gives null, like a change that found
   * the message moved on, and `advance` decides it again from the message as the first change left it.
   */
  private async writeTogether(changes: StatusWrite[]): Promise<Array<MessageRow | null>> {
    const now = new Date();
    const seen = new Set<string>();
    const first = changes.map(({ row }) => {
      if (seen.has(row.id)) return false;
      seen.add(row.id);
      return true;
    });
    const units = changes.filter((_, index) => first[index]);
    const rows = await this.outbox.runEachAsOne<MessageRow>(
      units.map(({ row, data, steps, correlationId }) => ({
        key: row.id,
        publish: (publish) => {
          const after = afterTransition(row, data, now);
          for (const status of steps) publishStatus(publish, after, status, correlationId);
        },
      })),
      this.messages.transitionsStatement(
        units.map(({ row, data }) => ({ id: row.id, from: row.status, changes: data })),
        now,
      ),
    );
    const written = new Map(units.map(({ row }, index) => [row.id, rows[index]]));
    return changes.map(({ row }, index) => (first[index] ? (written.get(row.id) ?? null) : null));
  }

  /** Resolves with the message once it left `queued`/`sending` in this process, or null after `ms`. */
  waitForProgress(id: string, ms: number): Promise<MessageRow | null> {
    return new Promise((resolve) => {
      const onChange = (row: MessageRow) => {
        clearTimeout(timer);
        this.changes.off(id, onChange);
        resolve(row);
      };
      const timer = setTimeout(() => {
        this.changes.off(id, onChange);
        resolve(null);
      }, ms);
      this.changes.on(id, onChange);
    });
  }
}

/** One status event; `timestamp` is when the message reached that status (filled-in steps keep their own). */
function publishStatus(publish: Publish, row: MessageRow, status: EventStatus, correlationId: string | null): void {
  const base = { customerId: row.customerId, channelId: row.channelId, correlationId };
  switch (status) {
    case 'sent':
      publish({ ...base, type: 'message.sent', payload: statusPayload(row, 'sent', row.sentAt ?? row.updatedAt) });
      break;
    case 'delivered':
      publish({ ...base, type: 'message.delivered', payload: statusPayload(row, 'delivered', row.deliveredAt ?? row.updatedAt) });
      break;
    case 'read':
      publish({ ...base, type: 'message.read', payload: statusPayload(row, 'read', row.readAt ?? row.updatedAt) });
      break;
    case 'failed':
      publish({ ...base, type: 'message.failed', payload: statusPayload(row, 'failed', row.updatedAt) });
      break;
  }
}
