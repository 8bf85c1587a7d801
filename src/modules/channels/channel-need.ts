import { AppError } from '../../platform/errors/app-error';
import type { ErrorCode } from '../../platform/errors/error-codes';
import type { ChannelRef } from './channels.contracts';

/**
 * What a route under a channel needs of it, checked by ChannelAccessGuard before the route runs:
 * - `readable`: the channel exists and the key may use it; deleted channels stay readable (history, media);
 * - `active`: not deleted (everything that changes the channel or what it holds);
 * - `accepting`: takes sends: connected, or on its way back (connecting, reconnecting, disconnected with an
 *   automatic reconnect coming); the message waits, persisted. The guard checks that the channel is active;
 *   the send checks the rest with assertAcceptsSends once it has answered an idempotent repeat;
 * - `connected`: a live WhatsApp socket in this process or in the worker its lease names, for calls that go to
 *   WhatsApp now.
 */
export type ChannelNeed = 'readable' | 'active' | 'accepting' | 'connected';

/**
 * Per path parameter, a parser that throws the route's refusal of a malformed id (e.g. a chat's JID). The
 * guard runs them after the channel's access and before its state: a malformed id answers 400 whatever
 * state the channel is in, as when the route checked the state itself.
 */
export type PathIdChecks = Record<string, (value: string) => unknown>;

declare module '../../platform/openapi/api-route' {
  interface ApiRouteExtensions {
    /**
     * On a route under a channel (ChannelController): what it needs of the channel. ChannelAccessGuard checks
     * it, and ChannelController lists the refusals that follow from it (and the API key's) in the document,
     * derived rather than listed by hand, so the document says what the guard does.
     */
    needs?: ChannelNeed;
    /** With `needs: 'connected'`: why, said in the `channel_unavailable` refusal ("<why>: the channel must be connected."). */
    connectedBecause?: string;
    /** With `needs`: parsers of the route's other path ids, whose refusals come before the channel's state's. */
    pathIds?: PathIdChecks;
  }
}

/**
 * The refusals each need can give, beyond those of every channel route (the `channel` error group: unknown
 * channel, a key scoped to another one, a key of the other mode). The OpenAPI document is derived from this
 * table and the guard is held to it, so the two cannot drift apart.
 */
export const CHANNEL_NEED_ERRORS: Record<ChannelNeed, ErrorCode[]> = {
  readable: [],
  active: ['channel_unavailable'],
  accepting: ['channel_unavailable'],
  connected: ['channel_unavailable'],
};

const ACCEPTING_STATES: ReadonlySet<string> = new Set(['connected', 'connecting', 'reconnecting', 'disconnected']);

/** A send is refused up front by a channel that is not meant to be connected, so nothing piles up behind it. */
export function assertAcceptsSends(channel: ChannelRef): void {
  if (!ACCEPTING_STATES.has(channel.state) || !channel.wantConnected) {
    throw new AppError('channel_unavailable', `The channel is ${channel.state}: connect it before sending.`, {
      details: { current_state: channel.state },
    });
  }
}
