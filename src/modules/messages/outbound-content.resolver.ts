import { Injectable } from '@nestjs/common';
import type { WireContent, WireMessageKey } from '../../engine/message-content';
import { MediaService } from '../media/media.service';
import { isMediaMessage, mediaBodyOf, StoredMediaMessage, StoredMessage, toWire } from './message-content';

/**
 * The engine's content for a stored outbound message: media bytes read from storage or fetched from their
 * source_url (within the customer's plan limit), a reaction pointed at the key of the message it reacts to.
 * Failures are AppErrors (media_gone, a refused fetch): the message fails with that reason.
 */
@Injectable()
export class OutboundContentResolver {
  constructor(private readonly media: MediaService) {}

  async wireContentOf(message: StoredMessage, owner: { customerId: string; reactionTarget?: WireMessageKey | null }): Promise<WireContent> {
    if (isMediaMessage(message)) return this.withBytes(message, owner.customerId);
    return toWire(message, owner.reactionTarget);
  }

  private async withBytes(message: StoredMediaMessage, customerId: string): Promise<WireContent> {
    const body = mediaBodyOf(message);
    const common = { type: message.type, caption: body.caption, voice: message.type === 'audio' ? message.content.audio.voice : undefined };
    if (body.media_id) {
      // media_gone (deleted since the send was accepted) fails the message.
      const { media, bytes } = await this.media.readBytes(body.media_id);
      return {
        ...common,
        data: bytes,
        mimeType: body.mime_type ?? media.whatsappMimeType,
        fileName: body.filename ?? media.filename ?? undefined,
      };
    }
    const fetched = await this.media.fetchForSend(customerId, body.source_url!);
    return { ...common, data: fetched.bytes, mimeType: body.mime_type ?? fetched.mimeType, fileName: body.filename };
  }
}
