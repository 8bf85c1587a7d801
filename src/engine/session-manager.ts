/**
 * The port between the gateway and the WhatsApp engine. Nothing outside src/engine sees Baileys types:
 * channels and messages speak to this abstract class (also the DI token) in the gateway's own terms.
 */

/** Why a session ended, in the gateway's terms (the raw code and text travel alongside). */
export type CloseCause =
  /** WhatsApp asked for a restart (515), e.g. right after pairing: reopen at once. */
  | 'restart_required'
  /** The device was unlinked from the phone (401): credentials are void. */
  | 'logged_out'
  /** Another connection with the same credentials replaced this one (440). */
  | 'replaced'
  /** The connection dropped or timed out. */
  | 'connection_lost'
  /** Pairing did not complete: every QR expired (or the pair code was not entered). */
  | 'pairing_timeout'
  /** The gateway closed it (disconnect, logout, shutdown). */
  | 'closed_by_gateway'
  | 'other';

export interface SessionIdentity {
  /** E.164 with a leading +. */
  phoneNumber: string;
  jid: string;
  lid: string | null;
}

export type SessionEvent =
  | { type: 'qr'; qr: string; expiresAt: Date }
  | { type: 'open'; identity: SessionIdentity }
  | { type: 'closed'; cause: CloseCause; code: number | null; message: string };

export type SessionNetwork = 'live' | 'sandbox';

export interface SessionTarget {
  channelId: string;
  network: SessionNetwork;
}

export type SessionEventHandler = (channelId: string, event: SessionEvent) => void;

export abstract class SessionManager {
  /** This process' id among the gateway's workers. */
  abstract readonly workerId: string;

  /** Starts (or restarts) the channel's socket here. Throws `worker_at_capacity` when full. */
  abstract open(target: SessionTarget): Promise<void>;

  /** Ends the socket; with `logout`, unlinks the device first (best effort). Emits no `closed` event. */
  abstract close(channelId: string, options?: { logout?: boolean }): Promise<void>;

  abstract requestPairingCode(channelId: string, phoneNumber: string): Promise<string>;

  abstract currentQr(channelId: string): { qr: string; expiresAt: Date } | null;

  abstract isOpen(channelId: string): boolean;

  abstract size(): number;

  /** Deletes the channel's stored credentials and keys (after a logout). */
  abstract wipeCredentials(channelId: string): Promise<void>;

  abstract hasCredentials(channelId: string): Promise<boolean>;

  abstract onEvent(handler: SessionEventHandler): void;
}
