import { Injectable } from '@nestjs/common';
import type { MessageRow } from './messages.repository';

/** At most this many messages held; past it the oldest goes (a receipt for it then reads its row, as before). */
const MAX_MESSAGES = 10_000;

/**
 * The outbound messages this process claimed to send lately, by channel and WhatsApp id, as it last wrote them.
 * Each sent message comes back from its own socket: as its echo (the message "from me" that the socket
 * reports for every send) and as its receipts. Without this, the echo ran an insert that found the message
 * already stored, a round trip that did nothing, and each receipt read the row by its WhatsApp id before
 * changing its status: two of the six statements a sent message cost.
 *
 * A row held here may be stale (a receipt reported through the sandbox API, a status changed by another
 * process): a status change is written only if the message still has the status it was decided on
 * (MessageStatusService), so a stale row costs a re-read, never a wrong status.
 */
@Injectable()
export class RecentlySent {
  /** The row as last written, or the write of its next status while it is under way. */
  private readonly rows = new Map<string, MessageRow | Promise<MessageRow>>();

  /** The message as this process last wrote it; kept until it is read or failed, or until MAX_MESSAGES newer ones came. */
  remember(row: MessageRow): void {
    if (!row.waMessageId) return;
    const key = keyOf(row.channelId, row.waMessageId);
    this.rows.delete(key);
    if (row.status === 'read' || row.status === 'failed') return;
    this.keep(key, row);
  }

  /**
   * A status change of the message under way (`sent`): a receipt that comes meanwhile starts from its result,
   * rather than from the row before it, whose status the write is about to change (its own write would then
   * wait for the row, find it moved on, and read it again).
   */
  writing(row: MessageRow, write: Promise<MessageRow>): Promise<MessageRow> {
    if (!row.waMessageId) return write;
    const key = keyOf(row.channelId, row.waMessageId);
    this.rows.delete(key);
    this.keep(key, write);
    write.then(
      (written) => {
        if (this.rows.get(key) === write) this.remember(written);
      },
      () => {
        if (this.rows.get(key) === write) this.rows.delete(key);
      },
    );
    return write;
  }

  /** The newest row written, once a write under way has ended; undefined when not held or when that write failed. */
  async find(channelId: string, waMessageId: string): Promise<MessageRow | undefined> {
    try {
      return await this.rows.get(keyOf(channelId, waMessageId));
    } catch {
      return undefined;
    }
  }

  /** The message is stored by the send that claimed it: its echo has nothing to add. */
  has(channelId: string, waMessageId: string): boolean {
    return this.rows.has(keyOf(channelId, waMessageId));
  }

  private keep(key: string, entry: MessageRow | Promise<MessageRow>): void {
    if (this.rows.size >= MAX_MESSAGES) this.rows.delete(this.rows.keys().next().value as string);
    this.rows.set(key, entry);
  }
}

function keyOf(channelId: string, waMessageId: string): string {
  return `${channelId}/${waMessageId}`;
}
