import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { SessionManager } from '../../engine/session-manager';
import { AppError } from '../../platform/errors/app-error';
import { ApiKeyPrincipal } from '../auth/principal';
import { ChannelAccessService } from '../channels/channel-access.service';

function e164(phone: string): string {
  return `+${phone.replace(/\D/g, '')}`;
}

/**
 * The sandbox's phones, driven through the API: test keys only. Each call acts on the simulated WhatsApp
 * network the channel's session is connected to, the way a person would on a real phone.
 */
@Injectable()
export class SandboxService {
  constructor(
    private readonly access: ChannelAccessService,
    private readonly network: SandboxNetwork,
    private readonly sessions: SessionManager,
  ) {}

  async scan(key: ApiKeyPrincipal, channelId: string, phoneNumber?: string) {
    const channel = await this.sandboxChannel(key, channelId);
    const qr = this.sessions.currentQr(channel.id);
    if (channel.state !== 'qr' || !qr) {
      throw new AppError('no_qr', `There is no QR to scan: the channel is ${channel.state}.`, { details: { current_state: channel.state } });
    }
    const simulator = await this.network.simulator();
    const phone = phoneNumber ?? `+1555${randomInt(1_000_000, 9_999_999)}`;
    simulator.createPhone(phone);
    await simulator.scanQr(phone, qr.qr);
    return { channel_id: channel.id, phone_number: e164(phone) };
  }

  async enterPairCode(key: ApiKeyPrincipal, channelId: string, code: string, phoneNumber?: string) {
    const channel = await this.sandboxChannel(key, channelId);
    const phone = phoneNumber ?? this.network.pairingPhoneOf(channel.id);
    if (!phone) {
      throw new AppError('invalid_request', 'Give phone_number: no pair code was requested for this channel.', {
        details: { issues: [{ path: ['phone_number'], message: 'required' }] },
      });
    }
    const simulator = await this.network.simulator();
    try {
      await simulator.enterPairCode(phone, code.replace('-', '').toUpperCase());
    } catch (error) {
      throw new AppError('pair_code_failed', 'The phone did not accept this code.', {
        details: { reason: error instanceof Error ? error.message : String(error) },
      });
    }
    return { channel_id: channel.id, phone_number: e164(phone) };
  }

  async unlink(key: ApiKeyPrincipal, channelId: string) {
    const { channel, phone } = await this.pairedChannel(key, channelId);
    (await this.network.simulator()).unlink(phone);
    return { channel_id: channel.id, phone_number: e164(phone) };
  }

  async drop(key: ApiKeyPrincipal, channelId: string) {
    const { channel, phone } = await this.pairedChannel(key, channelId);
    (await this.network.simulator()).drop(phone);
    return { channel_id: channel.id, phone_number: e164(phone) };
  }

  private async sandboxChannel(key: ApiKeyPrincipal, channelId: string) {
    if (key.mode !== 'test') {
      throw new AppError('channel_access_denied', 'Sandbox endpoints work with test keys (zpk_test_…) only.', {
        details: { key_mode: key.mode },
      });
    }
    return this.access.require(key, channelId);
  }

  private async pairedChannel(key: ApiKeyPrincipal, channelId: string) {
    const channel = await this.sandboxChannel(key, channelId);
    if (!channel.phoneNumber) {
      throw new AppError('channel_unavailable', 'The channel is not paired with a simulated phone.', {
        details: { current_state: channel.state },
      });
    }
    return { channel, phone: channel.phoneNumber };
  }
}
