import type { MediaClient } from '../../../src/simulator';
import makeWASocket, {
  type AuthenticationCreds,
  type BaileysEventMap,
  type ConnectionState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
  type WASocket,
  initAuthCreds,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import type { WhatsAppSimulator } from '../../../src/simulator';

/** Creds and keys kept in memory, surviving socket restarts like a real store would. */
export class MemoryAuth {
  readonly creds: AuthenticationCreds = initAuthCreds();
  private readonly data = new Map<string, unknown>();

  readonly keys: SignalKeyStore = {
    get: <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = this.data.get(`${type}/${id}`);
        if (value !== undefined) {
          result[id] = value as SignalDataTypeMap[T];
        }
      }
      return result;
    },
    set: (set: SignalDataSet) => {
      for (const [type, entries] of Object.entries(set)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) {
            this.data.delete(`${type}/${id}`);
          } else {
            this.data.set(`${type}/${id}`, value);
          }
        }
      }
    },
  };

  /** A copy of every key as it is now (the store of a process that is about to die). */
  snapshotKeys(): Map<string, unknown> {
    return new Map([...this.data].map(([id, value]) => [id, structuredClone(value)]));
  }

  /** Puts the keys back as a snapshot had them: what a new process reads when the last writes never landed. */
  restoreKeys(snapshot: Map<string, unknown>): void {
    this.data.clear();
    for (const [id, value] of snapshot) this.data.set(id, structuredClone(value));
  }
}

const silent = pino({ level: process.env.SIM_CLIENT_LOG ?? 'silent' });

/** A real Baileys socket pointed at the simulator, with helpers to await its events. */
export class TestClient {
  sock!: WASocket;
  readonly media: MediaClient;
  private readonly history = new Map<keyof BaileysEventMap, unknown[]>();
  private readonly listeners = new Set<{ event: keyof BaileysEventMap; fn: (v: unknown) => void }>();
  lastDisconnect: number | undefined;

  constructor(
    readonly sim: WhatsAppSimulator,
    readonly auth: MemoryAuth = new MemoryAuth(),
    private readonly extraConfig: Partial<Parameters<typeof makeWASocket>[0]> = {},
  ) {
    this.media = sim.createMediaClient();
  }

  /** Events of one kind the current socket emitted so far. */
  events<K extends keyof BaileysEventMap>(event: K): BaileysEventMap[K][] {
    return [...((this.history.get(event) ?? []) as BaileysEventMap[K][])];
  }

  /** Opens a new socket with the current creds (the previous one must have ended). */
  connect(): WASocket {
    this.history.clear();
    this.lastDisconnect = undefined;
    const sock = makeWASocket({
      ...this.sim.socketConfig(this.media),
      auth: { creds: this.auth.creds, keys: this.auth.keys },
      logger: silent,
      ...this.extraConfig,
    });
    this.sock = sock;
    sock.ev.on('creds.update', (update) => Object.assign(this.auth.creds, update));
    const record = <K extends keyof BaileysEventMap>(event: K) =>
      sock.ev.on(event, (value) => {
        if (this.sock !== sock) {
          return;
        }
        const list = this.history.get(event) ?? [];
        list.push(value);
        this.history.set(event, list);
        for (const l of [...this.listeners]) {
          if (l.event === event) {
            l.fn(value);
          }
        }
      });
    for (const event of [
      'connection.update',
      'creds.update',
      'messages.upsert',
      'messages.update',
      'message-receipt.update',
      'presence.update',
      'group-participants.update',
      'groups.upsert',
      'blocklist.update',
      'groups.update',
      'group.join-request',
      'contacts.update',
      'labels.edit',
      'labels.association',
      'chats.update',
      'newsletter.reaction',
      'messaging-history.set',
    ] as const) {
      record(event);
    }
    sock.ev.on('connection.update', (update) => {
      if (update.connection === 'close') {
        this.lastDisconnect = (update.lastDisconnect?.error as { output?: { statusCode?: number } })?.output?.statusCode;
      }
    });
    return sock;
  }

  /** Resolves with the first event (past or future, on the current socket) that matches. */
  waitFor<K extends keyof BaileysEventMap>(
    event: K,
    match: (value: BaileysEventMap[K]) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<BaileysEventMap[K]> {
    const past = (this.history.get(event) ?? []) as BaileysEventMap[K][];
    const found = past.find(match);
    if (found) {
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const entry = {
        event,
        fn: (value: unknown) => {
          if (match(value as BaileysEventMap[K])) {
            clearTimeout(timer);
            this.listeners.delete(entry);
            resolve(value as BaileysEventMap[K]);
          }
        },
      };
      const timer = setTimeout(() => {
        this.listeners.delete(entry);
        reject(new Error(`timed out waiting for ${event}`));
      }, timeoutMs);
      this.listeners.add(entry);
    });
  }

  waitForConnection(match: (u: Partial<ConnectionState>) => boolean) {
    return this.waitFor('connection.update', match);
  }

  /** Resolves with the status code Baileys closed with. */
  async waitForClose(): Promise<number | undefined> {
    await this.waitForConnection((u) => u.connection === 'close');
    return this.lastDisconnect;
  }

  async waitForOpen(): Promise<void> {
    await this.waitForConnection((u) => u.connection === 'open');
  }

  /** Open, offline queue drained and (on the first login) the initial app-state sync done. */
  async waitForReady(): Promise<void> {
    await this.waitForOpen();
    await this.waitForConnection((u) => u.receivedPendingNotifications === true);
    if (!this.auth.creds.accountSyncCounter) {
      await this.waitFor('creds.update', (u) => !!u.accountSyncCounter);
    }
    await this.roundTrip();
  }

  /**
   * One ping answered: the server answers in order, so every query sent
   * before it (e.g. the init queries fired on open) has its answer too.
   * Baileys leaves a 60 s timer behind for a query still in flight when
   * its socket ends.
   */
  async roundTrip(): Promise<void> {
    await this.sock.query({
      tag: 'iq',
      attrs: { to: '@s.whatsapp.net', type: 'get', xmlns: 'w:p', id: this.sock.generateMessageTag() },
      content: [{ tag: 'ping', attrs: {} }],
    });
  }

  get jid(): string {
    return this.auth.creds.me!.id;
  }

  get phone(): string {
    return this.jid.split(':')[0].split('@')[0];
  }

  /** Ends the socket and waits until both Baileys and the simulator saw it close. */
  async close(): Promise<void> {
    if (!this.sock || this.lastDisconnect !== undefined) {
      return;
    }
    await this.roundTrip().catch(() => undefined);
    const jid = this.auth.creds.me?.id;
    const connected = !!jid && this.sim.companions(this.phone).some((c) => c.jid === jid && c.connected);
    const serverSide = connected ? this.sim.waitFor('disconnected', (info) => info.jid === jid) : undefined;
    const closed = this.waitForClose().catch(() => undefined);
    this.sock.end(undefined).catch(() => undefined);
    await Promise.all([closed, serverSide]);
  }
}

/** A socket that went through QR pairing, the 515 restart and its first full login. */
export async function pairedClient(
  sim: WhatsAppSimulator,
  phone: string,
  pushName?: string,
  config: Partial<Parameters<typeof makeWASocket>[0]> = {},
): Promise<TestClient> {
  sim.createPhone(phone, { pushName });
  const client = new TestClient(sim, new MemoryAuth(), config);
  client.connect();
  const { qr } = await client.waitForConnection((u) => !!u.qr);
  await sim.scanQr(phone, qr!);
  const code = await client.waitForClose();
  if (code !== 515) {
    throw new Error(`expected a 515 restart after pairing, got ${code}`);
  }
  client.connect();
  await client.waitForReady();
  return client;
}
