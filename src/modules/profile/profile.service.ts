import { Injectable } from '@nestjs/common';
import { ProfilePort } from '../../engine/ports/profile.port';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import { MediaService } from '../media/media.service';
import { SetPictureInput, toProfile, UpdateProfileInput } from './profile.contracts';

/** The channel's own profile on WhatsApp: read and written live, nothing kept here. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly whatsapp: ProfilePort,
    private readonly media: MediaService,
  ) {}

  async get(channel: ChannelRef) {
    return toProfile(await this.whatsapp.fetchOwn(channel.id));
  }

  async update(channel: ChannelRef, input: UpdateProfileInput) {
    if (input.name !== undefined) await this.whatsapp.setName(channel.id, input.name);
    if (input.about !== undefined) await this.whatsapp.setAbout(channel.id, input.about);
    return this.get(channel);
  }

  /** The image comes from the media module as a send's would: stored media of this channel, or fetched now. */
  async setPicture(channel: ChannelRef, input: SetPictureInput) {
    const bytes = input.media_id ? await this.storedImage(channel, input.media_id) : await this.fetchedImage(channel, input.source_url!);
    await this.whatsapp.setPicture(channel.id, bytes);
    return this.get(channel);
  }

  removePicture(channel: ChannelRef): Promise<void> {
    return this.whatsapp.removePicture(channel.id);
  }

  private async storedImage(channel: ChannelRef, mediaId: string): Promise<Buffer> {
    const media = await this.media.find(mediaId, channel.id);
    const problem = !media
      ? 'no media with this id on the channel'
      : !media.kinds.includes('image')
        ? `this media (${media.mimeType}) is not an image`
        : null;
    if (problem) {
      throw new AppError('invalid_request', `Invalid media_id: ${problem}.`, {
        details: { issues: [{ path: ['media_id'], code: 'invalid_value', message: problem }] },
      });
    }
    return (await this.media.readBytes(mediaId)).bytes;
  }

  private async fetchedImage(channel: ChannelRef, url: string): Promise<Buffer> {
    const fetched = await this.media.fetchForSend(channel.customerId, url);
    if (fetched.mimeType && !fetched.mimeType.toLowerCase().startsWith('image/')) {
      const problem = `the URL answered ${fetched.mimeType}, not an image`;
      throw new AppError('invalid_request', `Invalid source_url: ${problem}.`, {
        details: { issues: [{ path: ['source_url'], code: 'invalid_value', message: problem }] },
      });
    }
    return fetched.bytes;
  }
}
