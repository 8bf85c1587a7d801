import { Injectable } from '@nestjs/common';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import type { PrivacyName, PrivacySettings } from '../../simulator';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import type { UpdatePrivacyInput } from '../privacy/privacy.contracts';

/** The API's privacy setting names and WhatsApp's (the simulated phone keeps WhatsApp's). */
const WIRE_NAMES = {
  last_seen: 'last',
  online: 'online',
  profile_picture: 'profile',
  about: 'status',
  read_receipts: 'readreceipts',
  groups_add: 'groupadd',
  calls: 'calladd',
} as const satisfies Record<string, PrivacyName>;

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
    const simulator = await this.network.simulator();
    const { default_disappearing_seconds: timer, ...settings } = input;
    const wire = Object.fromEntries(
      Object.entries(settings).flatMap(([name, value]) =>
        value === undefined ? [] : [[WIRE_NAMES[name as keyof typeof WIRE_NAMES], value]],
      ),
    );
    if (Object.keys(wire).length > 0) simulator.setPrivacy(phone, wire);
    if (timer !== undefined) simulator.setDefaultDisappearing(phone, timer);
    const current = simulator.privacy(phone);
    return {
      channel_id: ref.id,
      phone_number: e164(phone),
      privacy: { ...fromWire(current), default_disappearing_seconds: current.defaultDisappearing },
    };
  }

  async block(ref: ChannelRef, contact: string) {
    const phone = pairedPhone(ref);
    const simulator = await this.network.simulator();
    simulator.block(phone, otherPhone(phone, contact));
    return this.blocklistOf(ref.id, phone, simulator.blocklist(phone));
  }

  async unblock(ref: ChannelRef, contact: string) {
    const phone = pairedPhone(ref);
    const simulator = await this.network.simulator();
    simulator.unblock(phone, otherPhone(phone, contact));
    return this.blocklistOf(ref.id, phone, simulator.blocklist(phone));
  }

  /** The channel's profile as the simulated contact `viewer` sees it. */
  async profileSeenBy(ref: ChannelRef, viewer: string) {
    const phone = pairedPhone(ref);
    const seen = (await this.network.simulator()).viewProfile(contactPhone(viewer), phone);
    return {
      channel_id: ref.id,
      viewer: e164(viewer),
      name: seen.name,
      about: seen.about,
      picture_url: seen.pictureUrl,
      last_seen: seen.lastSeen,
      online: seen.online ?? false,
    };
  }

  private blocklistOf(channelId: string, phone: string, blocked: string[]) {
    return { channel_id: channelId, phone_number: e164(phone), blocked: blocked.map(e164) };
  }
}

function fromWire(settings: PrivacySettings) {
  return Object.fromEntries(Object.entries(WIRE_NAMES).map(([api, wire]) => [api, settings[wire]]));
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
