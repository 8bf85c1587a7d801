import { Injectable } from '@nestjs/common';
import { valueWithin } from '../../platform/async';
import type { MessageRow } from './messages.repository';

/** At most this many messages held; past it the oldest goes (a receipt for it then reads its row, as before). */
const MAX_MESSAGES = 10_000;
/**
 * How long a receipt waits for a send under way, at most: a send stuck on its socket must not hold the channel's
 * later events (applied in order) until it times out. Past it the receipt reads the message's row, as before.
 */
const WAIT_MS = 2_000;

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
   * The send of the message and its `sent` write, under way: a receipt that comes meanwhile (before the send
   * returns, too: Baileys writes the Signal session after the message left) starts from their result, rather
   * than from the row before them, whose status they are about to change (the `sent` write would then find the
   * message moved on, and read it again).
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

  /**
   * The newest row written, once a write under way has ended; undefined when not held, when that write failed,
   * or when it is still under way after WAIT_MS.
   */
  async find(channelId: string, waMessageId: string): Promise<MessageRow | undefined> {
    const entry = this.rows.get(keyOf(channelId, waMessageId));
    if (!(entry instanceof Promise)) return entry;
    return valueWithin(entry, WAIT_MS);
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
