import type { EventEmitter } from 'events';
import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren, proto } from '@whiskeysockets/baileys';
import { type Account, AccountRegistry, type Addressing, type Companion, isLid } from '../state/accounts';
import { GroupRegistry } from '../state/groups';
import type { AccountHistory } from './account-history';
import { NewsletterRegistry } from '../state/newsletters';
import type { Connection, ConnectionEvents } from '../transport/connection';
import type { CompanionInfo, SimulatorEventMap } from '../types';
import { SERVER_JID, newStanzaId, unixNow } from './nodes';

export interface NetworkOptions {
  /** How many QR refs a registering client gets (one QR each) before it gives up with 408. */
  qrRefs: number;
  /** Unknown phone numbers become simulated accounts on first use. */
  autoCreateAccounts: boolean;
  /** Simulated phones acknowledge every message they decrypt with a delivery receipt. */
  autoDeliveryReceipts: boolean;
  /** How new accounts are addressed to others (WhatsApp now addresses most accounts by LID). */
  addressing: Addressing;
  /**
   * Realistic accounts: what every account's phone holds when it links a companion (address book, groups,
   * history sync). Null keeps today's light accounts: no conversations, no contacts, no groups.
   */
  accountHistory: AccountHistory | null;
}

export type SimEmitter = EventEmitter<SimulatorEventMap>;

export interface Registration {
  connection: Connection;
  noiseKey: Buffer;
  identityKey: Buffer;
  registrationId: number;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  platform: string;
  refs: string[];
  /** Set once a phone started linking it: a QR or code is good for one companion only. */
  linking?: boolean;
}

export type Session = { kind: 'registration'; registration: Registration } | { kind: 'companion'; account: Account; companion: Companion };

/** Stanza handlers the network dispatches to, one per area of the protocol. */
export interface StanzaHandlers {
  authenticated(connection: Connection, clientStatic: Buffer, payload: proto.ClientPayload): Promise<void>;
  iq(connection: Connection, session: Session, node: BinaryNode): Promise<void>;
  message(session: Extract<Session, { kind: 'companion' }>, node: BinaryNode): Promise<void>;
  receipt(session: Extract<Session, { kind: 'companion' }>, node: BinaryNode): Promise<void>;
  presence(session: Extract<Session, { kind: 'companion' }>, node: BinaryNode): Promise<void>;
  call(session: Extract<Session, { kind: 'companion' }>, node: BinaryNode): Promise<void>;
  closed(connection: Connection, session: Session | undefined): void;
}

/**
 * The simulated server's shared state and plumbing: who is connected as what,
 * server-initiated queries, and delivery to companions (directly when online,
 * through the offline queue otherwise).
 */
export class Network implements ConnectionEvents {
  readonly accounts: AccountRegistry;
  readonly groups: GroupRegistry;
  readonly newsletters = new NewsletterRegistry();
  readonly sessions = new Map<Connection, Session>();
  private readonly waiting = new Map<Connection, Map<string, (node: BinaryNode) => void>>();
  /** Stanzas handed to a socket that the client has not acked yet, requeued if the socket dies. */
  private readonly unacked = new Map<Connection, Map<string, BinaryNode>>();
  /** Messages companions acknowledged with a receipt: by id, the companion (phone:device) and when. */
  private readonly acknowledged = new Map<string, { device: string; at: number }>();
  handlers!: StanzaHandlers;

  constructor(
    readonly emitter: SimEmitter,
    readonly options: NetworkOptions,
  ) {
    this.accounts = new AccountRegistry(options.addressing);
    this.groups = new GroupRegistry(options.addressing);
  }

  account(phone: string): Account {
    return this.options.autoCreateAccounts ? this.accounts.create(phone) : this.accounts.require(phone);
  }

  /** By phone number or jid; a LID finds only an existing account (a LID is never made up on demand). */
  findAccount(phoneOrJid: string): Account | undefined {
    if (isLid(phoneOrJid)) {
      return this.accounts.get(phoneOrJid);
    }
    return this.options.autoCreateAccounts ? this.accounts.create(phoneOrJid) : this.accounts.get(phoneOrJid);
  }

  warn(message: string, error?: unknown): void {
    this.emitter.emit('warning', { message, error });
  }

  /**
   * A request the simulator does not model. It is answered with an error, never an empty success, and
   * reported so that a test exercising it fails loudly instead of passing while nothing works.
   */
  unhandled(request: string): void {
    this.emitter.emit('unhandled', { request });
    this.warn(`unhandled request: ${request}`);
  }

  info(account: Account, companion: Companion): CompanionInfo {
    return {
      phone: account.phone,
      deviceId: companion.deviceId,
      jid: companion.jid,
      platform: companion.platform,
      connected: !!companion.connection && !companion.connection.isClosed,
      ...(companion.appVersion ? { appVersion: companion.appVersion } : {}),
    };
  }

  // ConnectionEvents

  async authenticated(connection: Connection, clientStatic: Buffer, payload: proto.ClientPayload): Promise<void> {
    await this.handlers.authenticated(connection, clientStatic, payload);
  }

  async node(connection: Connection, node: BinaryNode): Promise<void> {
    const session = this.sessions.get(connection);
    if (!session) {
      return;
    }
    if (node.tag === 'iq' && (node.attrs.type === 'result' || node.attrs.type === 'error')) {
      const resolve = this.waiting.get(connection)?.get(node.attrs.id);
      if (resolve) {
        this.waiting.get(connection)!.delete(node.attrs.id);
        resolve(node);
      }
      return;
    }
    if (node.tag === 'iq') {
      await this.handlers.iq(connection, session, node);
      return;
    }
    if (node.tag === 'ack') {
      this.unacked.get(connection)?.delete(ackKey(node.attrs.class, node.attrs.id, node.attrs.to));
      return;
    }
    if (session.kind !== 'companion') {
      return;
    }
    switch (node.tag) {
      case 'message':
        return this.handlers.message(session, node);
      case 'receipt':
        this.receiptAcknowledges(connection, node);
        return this.handlers.receipt(session, node);
      case 'presence':
      case 'chatstate':
        return this.handlers.presence(session, node);
      case 'call':
        return this.handlers.call(session, node);
      default:
        // acks and other client stanzas need no answer
        return;
    }
  }

  closed(connection: Connection): void {
    const session = this.sessions.get(connection);
    this.sessions.delete(connection);
    const waiting = this.waiting.get(connection);
    this.waiting.delete(connection);
    for (const resolve of waiting?.values() ?? []) {
      resolve({ tag: 'closed', attrs: {} });
    }
    const unacked = this.unacked.get(connection);
    this.unacked.delete(connection);
    if (session?.kind === 'companion') {
      const { companion } = session;
      if (companion.connection === connection) {
        companion.connection = undefined;
        companion.online = false;
        this.emitter.emit('disconnected', this.info(session.account, companion));
      }
      if (unacked?.size && session.account.companions.get(companion.deviceId) === companion) {
        const lost = [...unacked.values()];
        if (companion.online) {
          lost.forEach((node) => this.deliver(companion, node));
        } else {
          companion.offline.unshift(...lost);
        }
      }
    }
    this.handlers.closed(connection, session);
  }

  error(_connection: Connection, error: unknown): void {
    this.warn('connection error', error);
  }

  /** Sends a server IQ and resolves with the client's answer (a `closed` node if the socket goes away). */
  query(connection: Connection, node: BinaryNode): Promise<BinaryNode> {
    const id = node.attrs.id ?? newStanzaId();
    node.attrs.id = id;
    let waiting = this.waiting.get(connection);
    if (!waiting) {
      waiting = new Map();
      this.waiting.set(connection, waiting);
    }
    const result = new Promise<BinaryNode>((resolve) => waiting.set(id, resolve));
    connection.send(node);
    return result;
  }

  /** Hands a stanza to a companion now, or keeps it for its next login. */
  deliver(companion: Companion, node: BinaryNode): void {
    if (companion.online && companion.connection?.isOpen) {
      this.sendTracked(companion.connection, node);
    } else {
      companion.offline.push(node);
    }
  }

  /** Sends only to companions connected right now (presence is not queued). */
  sendIfOnline(companion: Companion, node: BinaryNode): void {
    if (companion.online && companion.connection?.isOpen) {
      companion.connection.send(node);
    }
  }

  /** Flushes the offline queue after the client's passive/active IQ, then tells it the queue is done. */
  flushOffline(account: Account, companion: Companion): void {
    const connection = companion.connection;
    if (!connection?.isOpen) {
      return;
    }
    companion.online = true;
    this.emitter.emit('online', this.info(account, companion));
    const queued = companion.offline.splice(0);
    for (const node of queued) {
      this.sendTracked(connection, { ...node, attrs: { ...node.attrs, offline: '1' } });
    }
    connection.send({
      tag: 'ib',
      attrs: { from: SERVER_JID },
      content: [{ tag: 'offline', attrs: { count: queued.length.toString() } }],
    });
  }

  /**
   * A companion answers a message it decrypted with a receipt (delivered, `peer_msg`, `sender`, `hist_sync`...),
   * not an `<ack>`: WhatsApp takes that receipt as the message's acknowledgement and drops it from the device's
   * queue. Only a `retry` receipt (it could not decrypt) leaves it pending. Without this, every message ever
   * delivered came again at every login (the phone's history sync with it).
   */
  private receiptAcknowledges(connection: Connection, receipt: BinaryNode): void {
    const pending = this.unacked.get(connection);
    if (!pending?.size || receipt.attrs.type === 'retry') {
      return;
    }
    const list = getBinaryNodeChild(receipt, 'list');
    const ids = [receipt.attrs.id, ...getBinaryNodeChildren(list, 'item').map((item) => item.attrs.id)];
    const session = this.sessions.get(connection);
    const device = session?.kind === 'companion' ? `${session.account.phone}:${session.companion.deviceId}` : '?';
    for (const id of ids) {
      for (const key of pending.keys()) {
        if (!key.startsWith(`message|${id}|`)) continue;
        pending.delete(key);
        this.acknowledged.set(id, { device, at: Date.now() });
        if (this.acknowledged.size > MAX_ACKNOWLEDGED) this.acknowledged.delete(this.acknowledged.keys().next().value!);
      }
    }
  }

  /**
   * Which companion acknowledged each of these messages, and when (epoch ms): what a test needs to tell a message
   * lost by its gateway from one acknowledged by a companion that died before storing it.
   */
  acknowledgementsOf(ids: string[]): Record<string, { device: string; at: number }> {
    const found: Record<string, { device: string; at: number }> = {};
    for (const id of ids) {
      const ack = this.acknowledged.get(id);
      if (ack) found[id] = ack;
    }
    return found;
  }

  private sendTracked(connection: Connection, node: BinaryNode): void {
    let pending = this.unacked.get(connection);
    if (!pending) {
      pending = new Map();
      this.unacked.set(connection, pending);
    }
    const { offline: _offline, ...attrs } = node.attrs;
    pending.set(ackKey(node.tag, node.attrs.id, node.attrs.from), { ...node, attrs });
    connection.send(node);
  }

  notification(from: string, type: string, content: BinaryNode[], extra: Record<string, string> = {}): BinaryNode {
    return { tag: 'notification', attrs: { from, type, id: newStanzaId(), t: unixNow(), ...extra }, content };
  }
}

/** Acknowledgements remembered for acknowledgementsOf, the most recent ones. */
const MAX_ACKNOWLEDGED = 100_000;

function ackKey(tag: string, id: string, from: string): string {
  return `${tag}|${id}|${from}`;
}
