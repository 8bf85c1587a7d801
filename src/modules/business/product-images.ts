import { Injectable } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import { MediaService } from '../media/media.service';
import type { ProductImageInput } from './business.contracts';

/**
 * A product's images as a request gives them: a `media_id` of the channel's stored media must be an image
 * there when the request is made (a `source_url` is fetched, through the egress guard, when the product is synced).
 */
@Injectable()
export class ProductImages {
  constructor(private readonly media: MediaService) {}

  async check(channel: ChannelRef, images: ProductImageInput[], path: Array<string | number>): Promise<void> {
    for (const [index, image] of images.entries()) {
      if (!image.media_id) continue;
      const media = await this.media.find(image.media_id, channel.id);
      const problem = !media
        ? 'no media with this id on the channel'
        : !media.kinds.includes('image')
          ? `this media (${media.mimeType}) is not an image`
          : null;
      if (problem) {
        const where = [...path, index, 'media_id'];
        throw new AppError('invalid_request', `Invalid ${where.join('.')}: ${problem}.`, {
          details: { issues: [{ path: where, code: 'invalid_value', message: problem }] },
        });
      }
    }
  }
}
