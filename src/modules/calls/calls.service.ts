import { Injectable } from '@nestjs/common';
import { CallsPort, type WireCall } from '../../engine/ports/calls.port';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import { EventCauses } from '../events/event-causes';
import { MessagesService } from '../messages/messages.service';
import { toRejectedCall } from './calls.contracts';

/** The cause of a call's end that a request (a reject) brings about: its call.terminated names that request. */
export const callEndCause = (channelId: string, callId: string) => `call-end:${channelId}:${callId}`;

/** Incoming calls: rejecting one that rings. Calls cannot be answered or placed from a linked device. */
@Injectable()
export class CallsService {
  constructor(
    private readonly whatsapp: CallsPort,
    private readonly causes: EventCauses,
    private readonly messages: MessagesService,
  ) {}

  /** On a connected channel (ChannelAccessGuard checks it). */
  async reject(channel: ChannelRef, callId: string, requestId: string | null) {
    const call = await this.whatsapp.ringing(channel.id, callId);
    if (!call) {
      throw new AppError('not_found', `No call ${callId} is ringing on this channel: it is unknown, or it already ended.`, {
        details: { reason: 'call_not_ringing', call_id: callId },
      });
    }
    if (requestId) this.causes.expect(callEndCause(channel.id, callId), requestId);
    await this.whatsapp.reject(channel.id, call);
    return toRejectedCall(call, new Date());
  }

  /**
   * The channel's auto-reject: the call is rejected as it rings, then the message (if any) goes to the caller
   * as an ordinary send (stored, message.sent), its cause the call.offered event.
   */
  async rejectAutomatically(channel: ChannelRef, call: WireCall, message: string | null, offeredEventId: string): Promise<void> {
    if (!(await this.whatsapp.ringing(channel.id, call.callId))) return;
    await this.whatsapp.reject(channel.id, call);
    if (message) await this.messages.send(channel, { type: 'text', to: call.fromPhoneJid ?? call.fromJid, text: message }, offeredEventId);
  }
}
