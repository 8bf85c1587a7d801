import { AppError } from '../../platform/errors/app-error';

export const CHANNEL_STATES = [
  'pending',
  'qr',
  'connecting',
  'connected',
  'reconnecting',
  'disconnected',
  'logged_out',
  'stopped_by_user',
  'disabled_by_admin',
  'error',
  'failed',
] as const;

export type ChannelState = (typeof CHANNEL_STATES)[number];

/**
 * The one transition table of a channel. A state not listed as a target of the current state cannot be
 * reached from it; requests that would need such a move answer `invalid_lifecycle_transition`.
 *
 *   pending            created; nothing running. connect → connecting
 *   connecting         socket opening / handshake / logging in (also right after a scan or pair code)
 *   qr                 unpaired socket showing a QR (and accepting a pair code)
 *   connected          online
 *   disconnected       dropped; a reconnect is scheduled with backoff
 *   reconnecting       a reconnect attempt is running
 *   logged_out         the device was unlinked (401); credentials wiped; connect pairs anew
 *   stopped_by_user    disconnected on request; no automatic reconnect
 *   disabled_by_admin  the operator disabled it; only enable leaves this state
 *   error              the last attempt ended without pairing (QR or pair code not completed); connect retries
 *   failed             repeated failures or a replaced session that keeps coming back; connect resets
 */
export const TRANSITIONS: Record<ChannelState, readonly ChannelState[]> = {
  pending: ['connecting', 'disabled_by_admin'],
  connecting: ['qr', 'connecting', 'connected', 'disconnected', 'logged_out', 'stopped_by_user', 'disabled_by_admin', 'error', 'failed'],
  qr: ['connecting', 'connected', 'error', 'logged_out', 'stopped_by_user', 'disabled_by_admin', 'failed'],
  connected: ['disconnected', 'connecting', 'logged_out', 'stopped_by_user', 'disabled_by_admin', 'failed'],
  disconnected: ['reconnecting', 'connecting', 'logged_out', 'stopped_by_user', 'disabled_by_admin', 'failed'],
  reconnecting: ['connected', 'connecting', 'qr', 'disconnected', 'logged_out', 'stopped_by_user', 'disabled_by_admin', 'failed', 'error'],
  logged_out: ['connecting', 'disabled_by_admin'],
  stopped_by_user: ['connecting', 'logged_out', 'disabled_by_admin'],
  disabled_by_admin: ['pending'],
  error: ['connecting', 'logged_out', 'disabled_by_admin'],
  failed: ['connecting', 'logged_out', 'disabled_by_admin'],
};

export function canTransition(from: ChannelState, to: ChannelState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states from which a user action may start; used for clear errors. */
export const ACTION_FROM: Record<'connect' | 'disconnect' | 'logout' | 'pair_code' | 'enable', readonly ChannelState[]> = {
  connect: ['pending', 'disconnected', 'logged_out', 'stopped_by_user', 'error', 'failed'],
  disconnect: ['connecting', 'qr', 'connected', 'disconnected', 'reconnecting'],
  logout: ['connecting', 'qr', 'connected', 'disconnected', 'reconnecting', 'stopped_by_user', 'error', 'failed'],
  pair_code: ['qr'],
  enable: ['disabled_by_admin'],
};

export type ChannelAction = keyof typeof ACTION_FROM;

export function assertActionAllowed(action: ChannelAction, current: ChannelState): void {
  if (!ACTION_FROM[action].includes(current)) {
    throw new AppError('invalid_lifecycle_transition', `Cannot ${action.replace('_', ' ')} a channel that is ${current}.`, {
      details: { current_state: current, action, allowed_from: ACTION_FROM[action] },
    });
  }
}

export function assertTransition(from: ChannelState, to: ChannelState): void {
  if (!canTransition(from, to)) {
    throw new AppError('invalid_lifecycle_transition', `A channel cannot go from ${from} to ${to}.`, {
      details: { current_state: from, requested_state: to, allowed: TRANSITIONS[from] },
    });
  }
}

/** Which webhook event a transition is, if any: reaching `connected`, or leaving it. */
export function webhookEventFor(from: ChannelState, to: ChannelState): 'channel.connected' | 'channel.disconnected' | null {
  if (to === 'connected' && from !== 'connected') return 'channel.connected';
  if (from === 'connected' && to !== 'connected') return 'channel.disconnected';
  return null;
}
