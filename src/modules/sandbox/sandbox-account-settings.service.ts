import { Injectable } from '@nestjs/common';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import { toPrivacyChange, toPrivacySettings, type UpdatePrivacyInput } from '../privacy/privacy.contracts';

const E164 = /^\+?[1-9]\d{6,14}$/;

/**
 * What the channel's own phone does to its settings (privacy, blocklist), and what a simulated contact is
 * shown of the channel's profile; test keys only. Changes made here reach the channel as WhatsApp tells a
 * linked device of changes made on the phone.
 */
@Injectable()
export class SandboxAccountSettingsService {
  constructor(private readonly network: SandboxNetwork) {}

  async setPrivacy(ref: ChannelRef, input: UpdatePrivacyInput) {
    const phone = pairedPhone(ref);
    const settings = await this.network.setPrivacyAs(phone, toPrivacyChange(input));
    return { channel_id: ref.id, phone_number: e164(phone), privacy: toPrivacySettings(settings) };
  }

  async block(ref: ChannelRef, contact: string) {
    const phone = pairedPhone(ref);
    return this.blocklistOf(ref.id, phone, await this.network.setBlockedAs(phone, otherPhone(phone, contact), true));
  }

  async unblock(ref: ChannelRef, contact: string) {
    const phone = pairedPhone(ref);
    return this.blocklistOf(ref.id, phone, await this.network.setBlockedAs(phone, otherPhone(phone, contact), false));
  }

  /** The channel's profile as the simulated contact `viewer` sees it. */
  async profileSeenBy(ref: ChannelRef, viewer: string) {
    const phone = pairedPhone(ref);
    const seen = await this.network.profileSeenBy(contactPhone(viewer), phone);
    return {
      channel_id: ref.id,
      viewer: e164(viewer),
      name: seen.name,
      about: seen.about,
      picture_url: seen.pictureUrl,
      last_seen: seen.lastSeen,
      online: seen.online,
    };
  }

  private blocklistOf(channelId: string, phone: string, blocked: string[]) {
    return { channel_id: channelId, phone_number: e164(phone), blocked };
  }
}

function pairedPhone(channel: ChannelRef): string {
  if (!channel.phoneNumber) {
    throw new AppError('channel_unavailable', 'The channel is not paired with a simulated phone.', {
      details: { current_state: channel.state },
    });
  }
  return channel.phoneNumber.replace(/\D/g, '');
}

/** Simulated contacts are named by their phone number. */
function contactPhone(contact: string): string {
  if (!E164.test(contact)) {
    throw new AppError('invalid_request', 'Invalid contact: must be the E.164 number of a simulated contact.', {
      details: { issues: [{ path: ['contact'], code: 'invalid_format', message: 'must be an E.164 phone number such as +15551234567' }] },
    });
  }
  return contact.replace(/\D/g, '');
}

/** A contact other than the channel's own phone. */
function otherPhone(own: string, contact: string): string {
  const other = contactPhone(contact);
  if (other === own) {
    throw new AppError('invalid_request', 'Invalid contact: the channel cannot block its own number.', {
      details: { issues: [{ path: ['contact'], code: 'invalid_value', message: "must not be the channel's own number" }] },
    });
  }
  return other;
}

function e164(phone: string): string {
  return `+${phone.replace(/\D/g, '')}`;
}
