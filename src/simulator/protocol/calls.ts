import { randomBytes } from 'node:crypto';
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { Account } from '../state/accounts';
import type { CallEvent } from '../types';
import type { Network, Session } from './network';
import { childNodes, newStanzaId, unixNow } from './nodes';

type CompanionSession = Extract<Session, { kind: 'companion' }>;

/** How a simulated caller's call ends before the callee's devices took it. */
export type CallEnding = 'hangup' | 'timeout' | 'accepted_on_phone' | 'rejected_on_phone' | 'ended';

interface RingingCall {
  id: string;
  caller: Account;
  callee: Account;
  video: boolean;
  /** Set once the callee's phone answered. */
  answeredAt?: number;
}

/**
 * Voice and video call signalling, incoming to linked devices: the simulated caller's `<call><offer>`, its
 * `<terminate>` (hung up, or WhatsApp gave up ringing), the callee's phone answering (`<accept>` to the linked
 * devices), and a linked device rejecting (`<call><reject>`, acknowledged like WhatsApp does). Media never
 * flows: nothing here carries audio or video.
 */
export class Calls {
  private readonly calls = new Map<string, RingingCall>();

  constructor(private readonly net: Network) {}

  /** `caller` rings `callee`'s devices (in a group call, as a member of `group`); returns the call id. */
  offer(caller: Account, callee: Account, options: { video?: boolean; group?: string } = {}): string {
    const id = randomBytes(16).toString('hex').toUpperCase();
    const video = options.video ?? false;
    this.calls.set(id, { id, caller, callee, video });
    const offerAttrs: Record<string, string> = { 'call-id': id, 'call-creator': caller.wireJid() };
    if (caller.addressing === 'lid') offerAttrs.caller_pn = caller.jid;
    if (options.group) Object.assign(offerAttrs, { type: 'group', 'group-jid': options.group });
    const media: BinaryNode[] = video
      ? [
          { tag: 'audio', attrs: { enc: 'opus', rate: '16000' } },
          { tag: 'video', attrs: { enc: 'vp8', dec: 'vp8' } },
        ]
      : [{ tag: 'audio', attrs: { enc: 'opus', rate: '16000' } }];
    this.toCallee(callee, caller, { tag: 'offer', attrs: offerAttrs, content: media });
    this.record({ callId: id, phone: caller.phone, to: callee.phone, state: 'offered' });
    return id;
  }

  /**
   * The call ends on the caller's or the phone's side: the caller hangs up (`hangup`), WhatsApp stops ringing
   * (`timeout`), the callee's phone answers (`accepted_on_phone`) or declines (`rejected_on_phone`: its linked
   * devices get the reject, as from one of their own), or an answered call ends (`ended`).
   */
  end(callId: string, how: CallEnding): void {
    const call = this.calls.get(callId);
    if (!call) throw new Error(`no ringing or ongoing call ${callId}`);
    const creator = { 'call-id': call.id, 'call-creator': call.caller.wireJid() };
    if (how === 'rejected_on_phone') {
      if (call.answeredAt) throw new Error(`call ${callId} was answered: it no longer rings`);
      this.calls.delete(callId);
      this.toCallee(call.callee, call.caller, { tag: 'reject', attrs: creator });
      this.record({ callId, phone: call.caller.phone, to: call.callee.phone, state: 'rejected', by: call.callee.phoneDevice.jid });
      return;
    }
    if (how === 'accepted_on_phone') {
      call.answeredAt = Date.now();
      this.toCallee(call.callee, call.caller, { tag: 'accept', attrs: creator });
      this.record({ callId, phone: call.caller.phone, to: call.callee.phone, state: 'accepted' });
      return;
    }
    this.calls.delete(callId);
    const attrs: Record<string, string> = { ...creator };
    if (how === 'timeout') attrs.reason = 'timeout';
    if (how === 'ended' && call.answeredAt) attrs.duration = Math.round((Date.now() - call.answeredAt) / 1000).toString();
    this.toCallee(call.callee, call.caller, { tag: 'terminate', attrs });
    this.record({ callId, phone: call.caller.phone, to: call.callee.phone, state: how === 'timeout' ? 'timeout' : 'terminated' });
  }

  /** A linked device sends a call stanza: a reject is the one it sends for incoming calls. */
  async stanza({ account, companion }: CompanionSession, node: BinaryNode): Promise<void> {
    const [action] = childNodes(node);
    const ack: BinaryNode = { tag: 'ack', attrs: { id: node.attrs.id, class: 'call', from: node.attrs.to ?? '', type: action?.tag ?? '' } };
    if (action?.tag !== 'reject') {
      this.net.unhandled(`call ${action?.tag ?? '(empty)'}`);
      companion.connection?.send({ ...ack, content: [{ tag: 'error', attrs: { code: '501', text: 'feature-not-implemented' } }] });
      return;
    }
    const call = this.calls.get(action.attrs['call-id']);
    if (!call || call.callee !== account || call.answeredAt) {
      companion.connection?.send({ ...ack, content: [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }] });
      return;
    }
    this.calls.delete(call.id);
    companion.connection?.send(ack);
    // the account's other linked devices stop ringing too
    for (const other of account.companions.values()) {
      if (other !== companion) {
        this.net.deliver(
          other,
          callNode(call.caller, { tag: 'reject', attrs: { 'call-id': call.id, 'call-creator': call.caller.wireJid() } }),
        );
      }
    }
    this.record({ callId: call.id, phone: call.caller.phone, to: account.phone, state: 'rejected', by: companion.jid });
  }

  private toCallee(callee: Account, caller: Account, action: BinaryNode): void {
    for (const companion of callee.companions.values()) this.net.deliver(companion, callNode(caller, action));
  }

  private record(event: CallEvent): void {
    this.net.emitter.emit('call', event);
  }
}

function callNode(caller: Account, action: BinaryNode): BinaryNode {
  return { tag: 'call', attrs: { from: caller.wireJid(), id: newStanzaId(), t: unixNow(), notify: caller.pushName }, content: [action] };
}
