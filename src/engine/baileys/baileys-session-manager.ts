import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import makeWASocket, { Browsers, S_WHATSAPP_NET, WASocket } from '@whiskeysockets/baileys';
import type { MediaClient } from '../../simulator';
import { attachMessageEvents } from './baileys-events';
import { watchEventBuffer } from './event-buffer-watchdog';
import { withSharedAsyncContext } from './shared-async-context';
import { attachGroupEvents } from './baileys-group-events';
import { attachLabelEvents } from './baileys-label-events';
import { attachNewsletterEvents } from './baileys-newsletter-events';
import { GroupMetadataCache } from './group-metadata-cache';
import { BaileysSockets } from './baileys-sockets';
import { CallTracker } from './call-tracker';
import { attachPresenceEvents } from './presence-events';
import { BaileysMessaging } from './ops/baileys-messaging';
import { WaVersion } from './wa-version';
import pino, { Logger as PinoLogger } from 'pino';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { KeyedLanes, settlesWithin } from '../../platform/async';
import { outsideRequestContext } from '../../platform/logging/request-context';
import { withStorableText } from '../../platform/storable-text';
import { AuthStateRepository } from '../auth-state/auth-state.repository';
import { SecretBox } from '../auth-state/secret-box';
import { SandboxNetwork } from '../sandbox/sandbox-network';
import { type ChannelEventHandler, kindOf, type SessionEvent, type SessionEventKind } from '../ports/session-events';
import { SessionManager, SessionTarget } from '../session-manager';
import { classifyClose } from './close-cause';
import { ABANDONED_BAILEYS_QUERY } from './stray-rejections';
import { dropStrayRejections } from '../../platform/stray-rejections';
import { dropSignalSessionDumps } from './signal-session-logs';
import { rememberValidSignatures } from './remembered-signatures';
import { agreeKeysNatively } from './native-key-agreement';
import { sendLateKeyAccessToStore } from './late-key-access';
import { loadPostgresAuthState } from './postgres-auth-state';
import { WORKER_ID } from '../worker-id';
import { ChannelLeases } from '../channel-leases';

/**
 * Baileys resolves a request WhatsApp did not answer within this with `undefined` instead of failing, and the
 * code around it goes on as if answered: a send whose device lookup timed out goes to no device and reads as
 * sent. So it is longer than every operation's own bound (the longest, a send with its upload: 120 s), which
 * then fails first, as `whatsapp_timeout`; a connection that went quiet is closed by the keep-alive before.
 */
export const BAILEYS_QUERY_TIMEOUT_MS = 150_000;

/** Baileys shows a new QR every 20 s after a first one valid for 60 s. */
const FIRST_QR_TTL_MS = 60_000;
const NEXT_QR_TTL_MS = 20_000;
const CLOSE_WAIT_MS = 5_000;
const READY_FALLBACK_MS = 10_000;
const SETTLE_TIMEOUT_MS = 3_000;
const SHUTDOWN_DRAIN_MS = 5_000;

interface LiveSession {
  socket: WASocket;
  target: SessionTarget;
  qr: { qr: string; expiresAt: Date } | null;
  qrCount: number;
  /** Set when the gateway itself ends the socket: its close is not reported. */
  closingByGateway: boolean;
  closed: Promise<void>;
  open: boolean;
  /** Credential writes in order, so a later write never lands before an earlier one. */
  credsWrites: Promise<void>;
  /** Stops the socket's writes of credentials and keys once its device is unlinked (see PostgresAuthState). */
  retireAuth: () => Promise<void>;
  announced: boolean;
  offlineDrained: boolean;
  readyFallback?: NodeJS.Timeout;
  /** Ends a login with stored credentials that has not opened by SESSION_OPEN_TIMEOUT_MS (see abandonOpening). */
  openingDeadline?: NodeJS.Timeout;
  /** Resolves once the socket is announced ready, or closed: see `settled`. */
  ready: Promise<void>;
  markReady: () => void;
}

/** The pool of live Baileys sockets of this worker, one per connected channel. */
@Injectable()
export class BaileysSessionManager extends SessionManager implements OnApplicationShutdown {
  private readonly logger = new Logger(BaileysSessionManager.name);
  private readonly sessions = new Map<string, LiveSession>();
  private readonly handlers: { [K in SessionEventKind]: ChannelEventHandler<K>[] } = {
    lifecycle: [],
    messages: [],
    contacts: [],
    groups: [],
    calls: [],
    presence: [],
    labels: [],
  };
  /** Per channel, events are delivered one at a time, in the order they were reported. */
  private readonly lanes = new KeyedLanes();
  private readonly box: SecretBox;
  private readonly baileysLogger: PinoLogger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_ID) readonly workerId: string,
    private readonly authState: AuthStateRepository,
    private readonly sandbox: SandboxNetwork,
    private readonly sockets: BaileysSockets,
    private readonly messaging: BaileysMessaging,
    private readonly waVersion: WaVersion,
    private readonly groupCache: GroupMetadataCache,
    private readonly calls: CallTracker,
    private readonly leases: ChannelLeases,
  ) {
    super();
    // Another worker may own the channel now: its socket must go at once, without a logout (which would unlink
    // the device under the new owner) and without a `closed` report (the new owner writes the channel's state).
    leases.onLost((channelId) => {
      const session = this.sessions.get(channelId);
      if (session) void this.end(channelId, session, false);
    });
    this.box = new SecretBox(config.secrets.sessionEncryptionKey);
    dropStrayRejections(ABANDONED_BAILEYS_QUERY);
    rememberValidSignatures();
    agreeKeysNatively();
    dropSignalSessionDumps();
    this.baileysLogger = pino({ level: config.logLevel === 'silent' ? 'silent' : 'warn', base: { component: 'baileys' } });
  }

  onChannelEvent<K extends SessionEventKind>(kind: K, handler: ChannelEventHandler<K>): void {
    (this.handlers[kind] as ChannelEventHandler<K>[]).push(handler);
  }

  delivered(channelId: string): Promise<void> {
    return this.lanes.drained(channelId);
  }

  size(): number {
    return this.sessions.size;
  }

  isOpen(channelId: string): boolean {
    return this.sessions.get(channelId)?.open ?? false;
  }

  async settled(channelId: string, timeoutMs: number): Promise<void> {
    await settlesWithin(this.sessions.get(channelId)?.ready, timeoutMs);
  }

  currentQr(channelId: string) {
    const qr = this.sessions.get(channelId)?.qr ?? null;
    return qr && qr.expiresAt.getTime() > Date.now() ? qr : null;
  }

  /**
   * Opens the socket outside the request that asked for it (usually `connect`): the socket's events, and the
   * logs of everything they trigger, belong to the session, not to that request (see request-context.ts).
   */
  open(target: SessionTarget): Promise<void> {
    return outsideRequestContext(() => this.openSession(target));
  }

  private async openSession(target: SessionTarget): Promise<void> {
    if (this.config.gatewayRole === 'api') throw new Error('a process of role api opens no WhatsApp session');
    const existing = this.sessions.get(target.channelId);
    if (existing) await this.end(target.channelId, existing, false, { keepLease: true });
    else if (this.sessions.size >= this.config.workerCapacity) {
      throw new AppError('worker_at_capacity', `This worker holds ${this.sessions.size} sessions, its maximum.`, {
        details: { worker_id: this.workerId, max_sessions: this.config.workerCapacity },
      });
    }
    await this.takeLease(target.channelId, target.leaseFloor ?? 0);

    const { state, saveCreds, retire } = await loadPostgresAuthState(target.channelId, this.authState, this.box, this.baileysLogger);
    const network = target.network === 'sandbox' ? await this.sandbox.connection() : undefined;
    const version = await this.waVersion.forSockets();
    // one async context storage for every socket's key-store transactions (see shared-async-context.ts)
    const socket: WASocket = withSharedAsyncContext(() =>
      makeWASocket({
        ...(version ? { version } : {}),
        auth: state,
        logger: this.baileysLogger,
        browser: Browsers.ubuntu('WhatIsUp'),
        markOnlineOnConnect: false,
        syncFullHistory: false,
        keepAliveIntervalMs: this.config.sessionKeepAliveMs,
        defaultQueryTimeoutMs: BAILEYS_QUERY_TIMEOUT_MS,
        ...(network ? sandboxSocketOptions(network.url, network.media) : {}),
        getMessage: (key) => this.messaging.storedMessage(target.channelId, key.id),
        // every group send needs the group's members; the cache spares asking WhatsApp each time
        cachedGroupMetadata: this.groupCache.lookup(target.channelId, () => socket),
      }),
    );

    sendLateKeyAccessToStore(socket.authState.keys, state.keys);

    let resolveClosed!: () => void;
    let markReady!: () => void;
    const session: LiveSession = {
      socket,
      target,
      qr: null,
      qrCount: 0,
      closingByGateway: false,
      closed: new Promise((resolve) => (resolveClosed = resolve)),
      open: false,
      credsWrites: Promise.resolve(),
      retireAuth: retire,
      announced: false,
      offlineDrained: false,
      ready: new Promise((resolve) => (markReady = resolve)),
      markReady: () => markReady(),
    };
    this.sessions.set(target.channelId, session);
    // A device waiting to be paired waits for its QR to be scanned, as long as Baileys shows QR codes; one with
    // credentials has a login to finish.
    if (state.creds.me) {
      session.openingDeadline = setTimeout(() => this.abandonOpening(target.channelId, session), this.config.sessionOpenTimeoutMs);
      session.openingDeadline.unref();
    }

    // A write stores the credentials as they are when it runs, so updates that come while one waits its turn
    // need no write of their own (a login updates them several times in a row).
    let credsWriteQueued = false;
    socket.ev.on('creds.update', () => {
      if (credsWriteQueued) return;
      credsWriteQueued = true;
      session.credsWrites = session.credsWrites
        .then(() => {
          credsWriteQueued = false;
          return saveCreds();
        })
        .catch((error: unknown) => this.logger.error({ err: error, channel_id: target.channelId }, 'credentials not saved'));
    });
    const unwatchBuffer = watchEventBuffer(socket.ev, () =>
      this.logger.warn({ channel_id: target.channelId }, 'event buffer left on by Baileys: flushed'),
    );
    attachMessageEvents(socket, (event) => this.emit(target.channelId, event), this.logger, target.channelId, network?.media);
    attachGroupEvents(socket, (event) => this.emit(target.channelId, event), this.logger, target.channelId, this.groupCache);
    this.calls.attach(target.channelId, socket, (event) => this.emit(target.channelId, event));
    attachPresenceEvents(socket, (event) => this.emit(target.channelId, event));
    attachLabelEvents(socket, (event) => this.emit(target.channelId, event), this.logger, target.channelId);
    attachNewsletterEvents(socket, (event) => this.emit(target.channelId, event), this.logger, target.channelId);
    socket.ev.on('connection.update', (update) => {
      if (update.qr) {
        session.qr = { qr: update.qr, expiresAt: new Date(Date.now() + (session.qrCount === 0 ? FIRST_QR_TTL_MS : NEXT_QR_TTL_MS)) };
        session.qrCount++;
        this.emit(target.channelId, { type: 'qr', ...session.qr });
      }
      // Connected means ready: logged in and the offline queue drained (Baileys may report either first).
      // Fall back to the open itself if the offline notice never comes.
      if (update.receivedPendingNotifications) session.offlineDrained = true;
      if (update.connection === 'open') {
        session.open = true;
        this.sockets.register(target.channelId, socket);
        session.qr = null;
        session.readyFallback = setTimeout(() => this.announceOpen(target.channelId, session), READY_FALLBACK_MS);
      }
      if (session.open && session.offlineDrained && (update.connection === 'open' || update.receivedPendingNotifications)) {
        void this.settle(session).then(() => this.announceOpen(target.channelId, session));
      }
      if (update.connection === 'close') {
        unwatchBuffer();
        session.open = false;
        this.sockets.unregister(target.channelId, socket);
        this.groupCache.clear(target.channelId);
        clearTimeout(session.readyFallback);
        clearTimeout(session.openingDeadline);
        if (this.sessions.get(target.channelId) === session) {
          this.sessions.delete(target.channelId);
          // The socket died by itself: the lease goes with it, so that whichever worker runs the reconnect
          // can take it.
          if (!session.closingByGateway) void this.leases.release(target.channelId);
        }
        resolveClosed();
        session.markReady();
        void session.credsWrites.then(async () => {
          if (session.closingByGateway) return;
          const registered = Boolean(state.creds.registered || state.creds.me);
          const closed = classifyClose(update.lastDisconnect?.error, registered);
          // the credentials are wiped on this report: nothing of this socket may write them back afterwards
          if (closed.cause === 'logged_out') await retire();
          this.emit(target.channelId, { type: 'closed', ...closed });
        });
      }
    });
  }

  async close(channelId: string, options: { logout?: boolean } = {}): Promise<void> {
    const session = this.sessions.get(channelId);
    if (session) await this.end(channelId, session, options.logout ?? false);
    else await this.leases.release(channelId);
  }

  async requestPairingCode(channelId: string, phoneNumber: string): Promise<string> {
    const session = this.sessions.get(channelId);
    if (!session || session.open || !session.qr) {
      throw new AppError('pair_code_unavailable', 'The channel is not waiting to be paired; connect it and wait for status qr.');
    }
    try {
      return await session.socket.requestPairingCode(phoneNumber.replace(/\D/g, ''));
    } catch (error) {
      throw new AppError('pair_code_failed', 'WhatsApp did not issue a pairing code.', {
        details: { reason: error instanceof Error ? error.message : String(error) },
      });
    }
  }

  async wipeCredentials(channelId: string): Promise<void> {
    await this.authState.deleteAll(channelId);
  }

  hasCredentials(channelId: string): Promise<boolean> {
    return this.authState.exists(channelId, 'creds', '');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions.entries()].map(([id, session]) => this.end(id, session, false)));
    // Events already reported are still being handled (their writes in flight): the database must not close
    // under them. Bounded, so a stuck handler cannot hold the shutdown.
    await settlesWithin(this.lanes.drainedAll(), SHUTDOWN_DRAIN_MS);
  }

  /**
   * The channel's lease, taken here unless already held (a placement by another process, adopted, or a
   * restart of a socket held here). Held by another worker: refused, that worker owns the socket.
   */
  private async takeLease(channelId: string, floor: number): Promise<void> {
    if (this.leases.heldToken(channelId) !== undefined) return;
    if ((await this.leases.acquire(channelId, floor)) !== null) return;
    const owner = await this.leases.ownerOf(channelId);
    throw new AppError('channel_unavailable', 'Another gateway worker holds this channel’s connection.', {
      details: { reason: 'held_by_another_worker', worker_id: owner?.workerId ?? null },
    });
  }

  /** Ends the socket and, unless it is about to be replaced, gives the channel's lease back. */
  private async end(channelId: string, session: LiveSession, logout: boolean, options: { keepLease?: boolean } = {}): Promise<void> {
    session.closingByGateway = true;
    this.sockets.unregister(channelId, session.socket);
    if (this.sessions.get(channelId) === session) this.sessions.delete(channelId);
    await this.settle(session);
    try {
      if (logout && session.open) await session.socket.logout();
      else this.endSocket(channelId, session);
    } catch (error) {
      this.logger.warn({ err: error, channel_id: channelId }, 'socket did not end cleanly');
      this.endSocket(channelId, session);
    }
    await settlesWithin(session.closed, CLOSE_WAIT_MS);
    await session.credsWrites;
    if (logout) await session.retireAuth();
    if (!options.keepLease && !this.sessions.has(channelId)) await this.leases.release(channelId);
  }

  /**
   * A login that has not opened in time: a server that accepted the connection and went silent, a login whose
   * answers never come, or a close that never completes. The socket is ended with a 408 (the channel reconnects
   * with backoff, as after a drop) and its transport destroyed at once: Baileys' end() otherwise waits for a
   * closing handshake the silent side will not answer.
   */
  private abandonOpening(channelId: string, session: LiveSession): void {
    if (session.announced || this.sessions.get(channelId) !== session) return;
    const seconds = Math.round(this.config.sessionOpenTimeoutMs / 1000);
    this.logger.warn({ channel_id: channelId }, `socket did not open within ${seconds} s: ended, to reconnect`);
    const error = Object.assign(new Error(`The connection did not open within ${seconds} s.`), { output: { statusCode: 408 } });
    session.socket
      .end(error)
      .catch((cause: unknown) => this.logger.warn({ err: cause, channel_id: channelId }, 'socket did not end cleanly'));
    (session.socket.ws as unknown as { socket?: { terminate(): void } | null }).socket?.terminate();
  }

  /** Not awaited: Baileys' end() waits for the WebSocket closing handshake, which `end` bounds through `session.closed`. */
  private endSocket(channelId: string, session: LiveSession): void {
    session.socket
      .end(undefined)
      .catch((error: unknown) => this.logger.warn({ err: error, channel_id: channelId }, 'socket did not end cleanly'));
  }

  private announceOpen(channelId: string, session: LiveSession): void {
    clearTimeout(session.readyFallback);
    clearTimeout(session.openingDeadline);
    if (session.announced || !session.open || this.sessions.get(channelId) !== session) return;
    session.announced = true;
    session.markReady();
    const me = session.socket.user;
    const number = me?.id.split(':')[0].split('@')[0] ?? '';
    this.emit(channelId, { type: 'open', identity: { phoneNumber: `+${number}`, jid: me?.id ?? '', lid: me?.lid ?? null } });
  }

  /**
   * One ping answered. WhatsApp answers in order, so every query sent before it (the ones Baileys fires on
   * login) has its answer too. Ending a socket with queries in flight leaves Baileys' query timers behind
   * and rejects them with a bare close code, so the gateway settles a socket before it reports it ready
   * and before it ends it.
   */
  private async settle(session: LiveSession): Promise<void> {
    if (!session.open) return;
    const ping = session.socket.query({
      tag: 'iq',
      attrs: { to: S_WHATSAPP_NET, type: 'get', xmlns: 'w:p', id: session.socket.generateMessageTag() },
      content: [{ tag: 'ping', attrs: {} }],
    });
    await settlesWithin(ping, SETTLE_TIMEOUT_MS);
  }

  /**
   * Every event leaves the engine here, so this is where what WhatsApp sent is made storable: a contact can put
   * U+0000 or a lone surrogate in a text, a caption, a push name, and the message must still be stored and
   * announced (never dropped by a failing insert), with U+FFFD in their place.
   */
  private emit(channelId: string, raw: SessionEvent): void {
    const event = withStorableText(raw);
    const handlers = this.handlers[kindOf(event)] as ((channelId: string, event: SessionEvent) => void | Promise<void>)[];
    const deliver = async () => {
      await Promise.all(
        handlers.map(async (handler) => {
          try {
            await handler(channelId, event);
          } catch (error) {
            this.logger.error({ err: error, channel_id: channelId, event: event.type }, 'session event handler failed');
          }
        }),
      );
    };
    void this.lanes.run(channelId, deliver);
  }
}

/** Sandbox sockets reach the simulator, and trust its media host for uploads (https) and downloads (fetch). */
function sandboxSocketOptions(url: string, media: MediaClient) {
  return { waWebSocketUrl: url, fetchAgent: media.agent, options: { dispatcher: media.dispatcher } };
}
