import { Injectable } from '@nestjs/common';
import { CallsPort, type WireCall } from '../../ports/calls.port';
import { BaileysSockets } from '../baileys-sockets';
import { CallTracker } from '../call-tracker';

@Injectable()
export class BaileysCalls extends CallsPort {
  constructor(
    private readonly sockets: BaileysSockets,
    private readonly tracker: CallTracker,
  ) {
    super();
  }

  /** Asynchronous although local: the worker holding the socket answers it for the others (engine/calls). */
  async ringing(channelId: string, callId: string): Promise<WireCall | undefined> {
    return this.tracker.ringing(channelId, callId);
  }

  /** WhatsApp acknowledges the reject; the call creator is named as the offer named it. */
  async reject(channelId: string, call: WireCall): Promise<void> {
    await this.sockets.call(channelId, 'calls.reject', (socket) => socket.rejectCall(call.callId, call.fromJid));
    this.tracker.rejected(channelId, call.callId);
  }
}
