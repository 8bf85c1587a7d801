import type { WASocket } from '@whiskeysockets/baileys';

/** How often a socket's event buffer is looked at, and after how many looks in a row it is flushed. */
export const BUFFER_CHECK_MS = 1_000;
export const STUCK_AFTER_CHECKS = 3;

/**
 * Flushes a socket's event buffer that has stayed on for several seconds in a row.
 *
 * Baileys buffers events while it processes a stanza, and flushes when the work ends. Its buffered functions
 * (the upsert of an own message after a send, app-state resyncs) schedule that flush on a timer whose handle is
 * cleared only by a flush that finds the buffer on: when the timer fires while the buffer is already off, the
 * stale handle stays set, no later buffered function schedules a flush again, and the buffer then holds every
 * message, receipt and ack error of the channel until its own 30-second timeout. Buffering only merges events
 * (none is lost by flushing early), and no stanza's processing lasts seconds, so a buffer on for three checks
 * in a row is one of those and is flushed.
 */
export function watchEventBuffer(events: Pick<WASocket['ev'], 'isBuffering' | 'flush'>, onFlushed?: () => void): () => void {
  let seen = 0;
  const timer = setInterval(() => {
    if (!events.isBuffering()) {
      seen = 0;
      return;
    }
    seen++;
    if (seen < STUCK_AFTER_CHECKS) return;
    seen = 0;
    if (events.flush()) onFlushed?.();
  }, BUFFER_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
