import { Injectable } from '@nestjs/common';

/** Long enough for a QR pairing to complete; an unclaimed cause is forgotten after it. */
const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/** The keys requests and producers agree on. */
export const causeKey = {
  /** A message a sandbox contact sends to the channel, by its WhatsApp id. */
  inbound: (channelId: string, waMessageId: string) => `inbound:${channelId}:${waMessageId}`,
  /** A receipt a sandbox contact reports for one of the channel's messages. */
  receipt: (channelId: string, waMessageId: string, status: string) => `receipt:${channelId}:${waMessageId}:${status}`,
  /** A sandbox contact viewing one of the channel's stories, by the story's WhatsApp id and the viewer's number. */
  storyView: (channelId: string, waMessageId: string, viewerNumber: string) => `story-view:${channelId}:${waMessageId}:${viewerNumber}`,
  /** The transitions the engine reports for the channel until it settles. */
  channel: (channelId: string) => `channel:${channelId}`,
};

/**
 * The request behind what the engine reports later. Some requests only set something in motion — a sandbox
 * contact sends a message or a receipt, a connect waits for its socket, a simulated phone scans a QR — and the
 * event comes from the engine, with no request in sight. Such a request leaves its id here under the key of
 * the effect it expects; the producer of that effect takes it as the event's correlation id.
 *
 * In memory, on purpose: the engine session that reports the effect runs in the process that served the
 * request (connects open their session locally; the sandbox network is in-process). Unclaimed causes expire.
 */
@Injectable()
export class EventCauses {
  private readonly entries = new Map<string, { correlationId: string; expiresAt: number }>();

  expect(key: string, correlationId: string, ttlMs = DEFAULT_TTL_MS): void {
    this.prune();
    this.entries.delete(key); // re-inserted last: the oldest entries are the first to go when full
    this.entries.set(key, { correlationId, expiresAt: Date.now() + ttlMs });
  }

  /** The cause, left in place for the effects that follow (a channel's transitions until it settles). */
  peek(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.correlationId;
  }

  /** The cause, claimed by the one effect it was expected for. */
  take(key: string): string | null {
    const correlationId = this.peek(key);
    this.entries.delete(key);
    return correlationId;
  }

  private prune(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now || this.entries.size >= MAX_ENTRIES) this.entries.delete(key);
      else break;
    }
  }
}
