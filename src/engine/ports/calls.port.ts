/**
 * Incoming voice and video calls, over a channel's live socket. WhatsApp lets a linked device see a call ring
 * and reject it; it cannot answer one or place one (no media path for linked devices in the protocol the
 * gateway speaks), so neither is offered.
 */

/** A call ringing on the channel's devices, as WhatsApp offered it. */
export interface WireCall {
  callId: string;
  /** The caller as the call names it (`…@lid` or `…@s.whatsapp.net`). */
  fromJid: string;
  /** The caller's phone-number JID, when WhatsApp gave it beside a LID. */
  fromPhoneJid: string | null;
  isVideo: boolean;
  isGroup: boolean;
  /** The group a group call is in, when WhatsApp says. */
  groupJid: string | null;
  offeredAt: Date;
}

/**
 * Why a call stopped ringing or ended: `rejected` (by the gateway or on another of the account's devices),
 * `missed` (the caller hung up before anyone answered), `timeout` (nobody answered and WhatsApp stopped
 * ringing), `accepted_elsewhere` (answered on the phone or another device), `ended` (a call answered elsewhere
 * ended: reported after `accepted_elsewhere`, with its duration).
 */
export type CallEndReason = 'rejected' | 'missed' | 'timeout' | 'accepted_elsewhere' | 'ended';

export abstract class CallsPort {
  /** A call of the channel that is ringing now, or undefined (unknown, or no longer ringing). */
  abstract ringing(channelId: string, callId: string): Promise<WireCall | undefined>;

  /** Rejects a ringing call; the caller sees it declined. Its end is reported like any other (`call_ended`). */
  abstract reject(channelId: string, call: WireCall): Promise<void>;
}
