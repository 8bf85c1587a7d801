/**
 * The socket lifecycle port between the gateway and the WhatsApp engine. Nothing outside src/engine sees
 * Baileys types: modules speak to this abstract class (also the DI token) and to the capability ports in
 * ./ports (messaging, chats, contacts, …), each in the gateway's own terms.
 */
import type { ChannelEventHandler, SessionEventKind } from './ports/session-events';

export type {
  CloseCause,
  ContactsEvent,
  LifecycleEvent,
  MessagingEvent,
  SessionEvent,
  SessionEventMap,
  SessionIdentity,
} from './ports/session-events';

export type SessionNetwork = 'live' | 'sandbox';

export interface SessionTarget {
  channelId: string;
  network: SessionNetwork;
  /**
   * The lease token the channel's state was last written under: a lease taken to open it gets a larger one,
   * even if Redis lost its counters, so that the session's own writes are not refused as stale.
   */
  leaseFloor?: number;
}

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

  /**
   * Resolves once the socket opening here for the channel is ready (reported connected) or has closed, or after
   * `timeoutMs`, whichever comes first; at once when none is opening here.
   */
  abstract settled(channelId: string, timeoutMs: number): Promise<void>;

  abstract size(): number;

  /** Deletes the channel's stored credentials and keys (after a logout). */
  abstract wipeCredentials(channelId: string): Promise<void>;

  abstract hasCredentials(channelId: string): Promise<boolean>;

  /**
   * Subscribes to one capability's events of every channel. Per channel, events arrive in order and the
   * next waits for the handlers of the previous (see ports/session-events.ts).
   */
  abstract onChannelEvent<K extends SessionEventKind>(kind: K, handler: ChannelEventHandler<K>): void;

  /** Resolves once every event reported so far for the channel has been handled by its subscribers. */
  abstract delivered(channelId: string): Promise<void>;
}
