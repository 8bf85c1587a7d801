import { Injectable } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import { mediaKindsOf, mimeTypeOfFamily, sniffFamily } from '../media/media-types';
import { MediaService } from '../media/media.service';
import type { PictureInput } from './newsletters.contracts';

/**
 * The image of a newsletter's picture, read the way a send reads its media: a `media_id` of the channel's
 * stored media, or a `source_url` fetched by the media module (egress guard, the plan's media limit).
 * Anything that is not an image is refused before WhatsApp is asked.
 */
@Injectable()
export class NewsletterPictures {
  constructor(private readonly media: MediaService) {}

  async imageOf(channel: ChannelRef, input: PictureInput): Promise<Buffer> {
    if (input.media_id) {
      const media = await this.media.find(input.media_id, channel.id);
      if (!media) throw invalid('media_id', 'no media with this id on the channel');
      if (!media.kinds.includes('image')) throw invalid('media_id', `this media (${media.mimeType}) is not an image`);
      return (await this.media.readBytes(media.id)).bytes;
    }
    const { bytes } = await this.media.fetchForSend(channel.customerId, input.source_url!);
    // The source's Content-Type is not trusted: the bytes say what they are.
    const mimeType = mimeTypeOfFamily(sniffFamily(bytes.subarray(0, 1024)));
    if (!mimeType || !mediaKindsOf(mimeType).includes('image')) throw invalid('source_url', 'the source did not answer with an image');
    return bytes;
  }
}

function invalid(field: 'media_id' | 'source_url', problem: string): AppError {
  return new AppError('invalid_request', `Invalid picture.${field}: ${problem}.`, {
    details: { issues: [{ path: ['picture', field], code: 'invalid_value', message: problem }] },
  });
}
