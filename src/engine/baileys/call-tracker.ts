import { Injectable, Logger } from '@nestjs/common';
import {
  type BinaryNode,
  getAllBinaryNodeChildren,
  getBinaryNodeChild,
  getCallStatusFromNode,
  isLidUser,
  isPnUser,
  jidNormalizedUser,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { CallEndReason, WireCall } from '../ports/calls.port';
import type { CallsEvent } from '../ports/session-events';

/** What one `<call>` stanza says, in the gateway's terms; null for signalling that changes nothing for the API. */
export type CallStanza =
  | { kind: 'offer'; call: WireCall }
  | { kind: 'accept'; callId: string; fromJid: string; fromPhoneJid: string | null }
  | { kind: 'reject'; callId: string; fromJid: string; fromPhoneJid: string | null }
  | { kind: 'terminate'; callId: string; fromJid: string; fromPhoneJid: string | null; timeout: boolean; durationSeconds: number | null };

/**
 * Reads WhatsApp's call stanza the way Baileys' handleCall does (same status mapping), keeping what Baileys'
 * `call` event drops: the terminate's `reason` and `duration`. Transport, pre-accept and relay latency steps
 * are signalling between devices and are not reported.
 */
export function readCallStanza(node: BinaryNode): CallStanza | null {
  const [info] = getAllBinaryNodeChildren(node);
  if (!info?.attrs['call-id']) return null;
  const status = getCallStatusFromNode(info);
  const callId = info.attrs['call-id'];
  const fromJid = jidNormalizedUser(info.attrs.from || info.attrs['call-creator'] || node.attrs.from);
  const pn = info.attrs.caller_pn;
  const fromPhoneJid = isPnUser(fromJid) ? fromJid : pn && isPnUser(pn) ? jidNormalizedUser(pn) : null;
  switch (status) {
    case 'offer':
      return {
        kind: 'offer',
        call: {
          callId,
          fromJid,
          fromPhoneJid,
          isVideo: Boolean(getBinaryNodeChild(info, 'video')),
          isGroup: info.attrs.type === 'group' || Boolean(info.attrs['group-jid']),
          groupJid: info.attrs['group-jid'] ?? null,
          offeredAt: node.attrs.t ? new Date(Number(node.attrs.t) * 1000) : new Date(),
        },
      };
    case 'accept':
      return { kind: 'accept', callId, fromJid, fromPhoneJid };
    case 'reject':
      return { kind: 'reject', callId, fromJid, fromPhoneJid };
    case 'timeout':
    case 'terminate': {
      const duration = Number(info.attrs.duration);
      return {
        kind: 'terminate',
        callId,
        fromJid,
        fromPhoneJid,
        timeout: status === 'timeout',
        durationSeconds: Number.isFinite(duration) && info.attrs.duration ? duration : null,
      };
    }
    default:
      return null;
  }
}

interface TrackedCall {
  call: WireCall;
  state: 'ringing' | 'answered' | 'over';
  answeredAt?: number;
  seenAt: number;
}

/** How long a call is remembered after it was offered: later stanzas about it are matched, then it is forgotten. */
const FORGET_AFTER_MS = 6 * 60 * 60_000;

/**
 * The calls of this worker's sockets, from WhatsApp's call stanzas: which are ringing (to reject one, the
 * gateway must name its caller), and one end per call whatever WhatsApp sends after it (a reject answered
 * elsewhere, a terminate after an accept).
 */
@Injectable()
export class CallTracker {
  private readonly logger = new Logger(CallTracker.name);
  private readonly calls = new Map<string, Map<string, TrackedCall>>();
  private readonly emitters = new Map<string, (event: CallsEvent) => void>();

  /** Listens to the socket's call stanzas (Baileys acks them); events go to `emit`, in arrival order. */
  attach(channelId: string, socket: WASocket, emit: (event: CallsEvent) => void): void {
    this.emitters.set(channelId, emit);
    let lane: Promise<void> = Promise.resolve();
    socket.ws.on('CB:call', (node: BinaryNode) => {
      lane = lane
        .then(() => this.apply(channelId, socket, readCallStanza(node)))
        .catch((error: unknown) => this.logger.error({ err: error, channel_id: channelId }, 'call stanza not handled'));
    });
  }

  ringing(channelId: string, callId: string): WireCall | undefined {
    const tracked = this.calls.get(channelId)?.get(callId);
    return tracked?.state === 'ringing' ? tracked.call : undefined;
  }

  /** The gateway rejected the call and WhatsApp acknowledged it. */
  rejected(channelId: string, callId: string): void {
    const tracked = this.calls.get(channelId)?.get(callId);
    if (tracked) this.end(channelId, tracked.call, 'rejected', null);
  }

  private async apply(channelId: string, socket: WASocket, stanza: CallStanza | null): Promise<void> {
    if (!stanza) return;
    const calls = this.callsOf(channelId);
    if (stanza.kind === 'offer') {
      if (calls.has(stanza.call.callId)) return;
      const call = { ...stanza.call, fromPhoneJid: stanza.call.fromPhoneJid ?? (await phoneOfLid(socket, stanza.call.fromJid)) };
      calls.set(call.callId, { call, state: 'ringing', seenAt: Date.now() });
      this.emitters.get(channelId)?.({ type: 'call_offered', call });
      return;
    }
    const tracked = calls.get(stanza.callId) ?? {
      call: {
        callId: stanza.callId,
        fromJid: stanza.fromJid,
        fromPhoneJid: stanza.fromPhoneJid ?? (await phoneOfLid(socket, stanza.fromJid)),
        isVideo: false,
        isGroup: false,
        groupJid: null,
        offeredAt: new Date(),
      },
      state: 'ringing' as const,
      seenAt: Date.now(),
    };
    calls.set(stanza.callId, tracked);
    if (tracked.state === 'over') return;
    if (stanza.kind === 'accept') {
      if (tracked.state === 'answered') return;
      tracked.answeredAt = Date.now();
      this.end(channelId, tracked.call, 'accepted_elsewhere', null);
      tracked.state = 'answered';
      return;
    }
    if (stanza.kind === 'reject') return this.end(channelId, tracked.call, 'rejected', null);
    if (tracked.state === 'answered') {
      // answered elsewhere (reported then): its hang-up is reported too, with how long it lasted
      const duration = stanza.durationSeconds ?? Math.round((Date.now() - (tracked.answeredAt ?? Date.now())) / 1000);
      return this.end(channelId, tracked.call, 'ended', duration);
    }
    this.end(channelId, tracked.call, stanza.timeout ? 'timeout' : 'missed', stanza.durationSeconds);
  }

  private end(channelId: string, call: WireCall, reason: CallEndReason, durationSeconds: number | null): void {
    const tracked = this.calls.get(channelId)?.get(call.callId);
    if (tracked) tracked.state = 'over';
    this.emitters.get(channelId)?.({
      type: 'call_ended',
      callId: call.callId,
      fromJid: call.fromJid,
      fromPhoneJid: call.fromPhoneJid,
      reason,
      durationSeconds,
      endedAt: new Date(),
    });
  }

  private callsOf(channelId: string): Map<string, TrackedCall> {
    let calls = this.calls.get(channelId);
    if (!calls) {
      calls = new Map();
      this.calls.set(channelId, calls);
    }
    const now = Date.now();
    for (const [id, tracked] of calls) if (now - tracked.seenAt > FORGET_AFTER_MS) calls.delete(id);
    return calls;
  }
}

async function phoneOfLid(socket: WASocket, jid: string): Promise<string | null> {
  if (!isLidUser(jid)) return null;
  const known = await socket.signalRepository.lidMapping.getPNForLID(jid).catch(() => null);
  return known ? jidNormalizedUser(known) : null;
}
