import { Injectable } from '@nestjs/common';
import { MediaService } from './media.service';

/** Event types whose message carries a signed link to its media. */
const LINKED_EVENT_TYPES: ReadonlySet<string> = new Set(['message.received']);

/**
 * Signed links to the media of an event's message, minted each time the event is sent (a webhook attempt, an
 * SSE write) rather than when it happened. A link frozen into the stored event would expire after
 * MEDIA_URL_TTL_SECONDS (15 minutes by default), long before a webhook's last retry or an SSE resume an hour
 * later; stored events keep only the media id.
 */
@Injectable()
export class MediaLinks {
  constructor(private readonly media: MediaService) {}

  /** The payload as sent now: a message.received whose media was stored gets a fresh `url`; any other payload is returned as it is. */
  inPayload(eventType: string, payload: Record<string, unknown>, now = new Date()): Record<string, unknown> {
    if (!LINKED_EVENT_TYPES.has(eventType)) return payload;
    const message = payload.message as Record<string, unknown> | undefined;
    const type = message?.type;
    if (!message || typeof type !== 'string') return payload;
    const body = message[type] as { media_id?: unknown } | undefined;
    if (!body || typeof body !== 'object' || typeof body.media_id !== 'string') return payload;
    return { ...payload, message: { ...message, [type]: { ...body, url: this.media.signedUrl(body.media_id, now).url } } };
  }
}
