import { Injectable } from '@nestjs/common';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import { parseGroupJid } from '../whatsapp/jid';
import type { ChannelRef } from '../channels/channels.contracts';
import type { CallEnding } from '../../simulator';

/** The sandbox's contacts calling a channel: a call rings on the channel's devices, then ends as the test says. */
@Injectable()
export class SandboxCallsService {
  /** Which caller placed each sandbox call, to answer with it. */
  private readonly callers = new Map<string, { channelId: string; from: string }>();

  constructor(private readonly network: SandboxNetwork) {}

  async offer(channel: ChannelRef, from: string, video: boolean, group?: string) {
    const phone = pairedPhone(channel).replace(/\D/g, '');
    const caller = from.replace(/\D/g, '');
    if (group !== undefined) await this.assertBothIn(parseGroupJid(group, ['group']), [caller, phone]);
    const callId = await (await this.network.simulator()).offerCall(caller, phone, { video, ...(group ? { group } : {}) });
    this.callers.set(callId, { channelId: channel.id, from: caller });
    return { channel_id: channel.id, call_id: callId, from: `+${caller}` };
  }

  async end(channel: ChannelRef, callId: string, how: CallEnding) {
    pairedPhone(channel);
    const placed = this.callers.get(callId);
    if (!placed || placed.channelId !== channel.id) throw callNotFound(callId);
    try {
      await (await this.network.simulator()).endCall(callId, how);
    } catch {
      throw callNotFound(callId);
    }
    return { channel_id: channel.id, call_id: callId, from: `+${placed.from}` };
  }

  /** A group call is placed in a group of the sandbox network that has the caller and the channel as members. */
  private async assertBothIn(jid: string, phones: string[]): Promise<void> {
    const info = await this.network.group(jid);
    if (!info) throw new AppError('not_found', `The sandbox network has no group ${jid}.`);
    if (phones.some((phone) => !info.participants.some((member) => member.phone === phone))) {
      throw new AppError('invalid_request', 'Invalid group: the caller and the channel must both be members.', {
        details: { issues: [{ path: ['group'], code: 'not_member', message: 'the caller and the channel must both be members' }] },
      });
    }
  }
}

function pairedPhone(channel: ChannelRef): string {
  if (!channel.phoneNumber) {
    throw new AppError('channel_unavailable', 'The channel is not paired with a simulated phone.', {
      details: { current_state: channel.state },
    });
  }
  return channel.phoneNumber;
}

function callNotFound(callId: string): AppError {
  return new AppError('not_found', `No sandbox call ${callId} is ringing or ongoing on this channel.`, {
    details: { reason: 'call_not_found', call_id: callId },
  });
}
