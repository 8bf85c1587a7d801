import { Injectable } from '@nestjs/common';
import { PrivacyPort } from '../../engine/ports/privacy.port';
import type { ChannelRef } from '../channels/channels.contracts';
import { toPrivacyChange, toPrivacySettings, UpdatePrivacyInput } from './privacy.contracts';

/** The account's privacy settings on WhatsApp, read and written live. */
@Injectable()
export class PrivacyService {
  constructor(private readonly whatsapp: PrivacyPort) {}

  async get(channel: ChannelRef) {
    return toPrivacySettings(await this.whatsapp.fetch(channel.id));
  }

  async update(channel: ChannelRef, input: UpdatePrivacyInput) {
    await this.whatsapp.update(channel.id, toPrivacyChange(input));
    return this.get(channel);
  }
}
