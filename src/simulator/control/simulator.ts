import { EventEmitter } from 'events';
import type { Agent } from 'https';
import type { Agent as UndiciAgent } from 'undici';

import { generateKeyPair } from '../crypto/keys';
import { MediaHost } from '../media/media-host';
import { buildMessage } from '../phone/content';
import { type CallEnding, Calls } from '../protocol/calls';
import { GroupIq, type ParticipantAction } from '../protocol/group-iq';
import { Inbound } from '../protocol/inbound';
import { IqHandlers } from '../protocol/iq';
import { Login } from '../protocol/login';
import { Network, type NetworkOptions } from '../protocol/network';
import { Outbound } from '../protocol/outbound';
import { Pairing } from '../protocol/pairing';
import { type Account, type Addressing, type Companion, normalizePhone } from '../state/accounts';
import type { Group } from '../state/groups';
import { WsServer } from '../transport/ws-server';
import type { CompanionInfo, GroupInfo, OutgoingContent, ReceiptEvent, ReceiptType, ReceivedMessage, SimulatorEventMap } from '../types';
import { Waiters } from './waiters';

/** Trust in the simulator's media host, for uploads (https) and downloads (fetch). */
export interface MediaClient {
  agent: Agent;
  dispatcher: UndiciAgent;
  close(): Promise<void>;
}

export interface SimulatorOptions extends Partial<NetworkOptions> {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Delay before the first stanza after the Noise handshake (see Connection). */
  handshakeSettleMs?: number;
}

export interface PhoneInfo {
  phone: string;
  jid: string;
  /** The account's LID user jid (every account has one). */
  lid: string;
  /** How WhatsApp addresses the account to others. */
  addressing: Addressing;
  pushName: string;
}

export type PresenceState = 'available' | 'unavailable' | 'composing' | 'paused' | 'recording';

/**
 * A local WhatsApp network for Baileys clients: server, primary phones and
 * contacts in one object. Start it, point a socket's `waWebSocketUrl` at
 * `url`, and drive the phone side from here.
 */
export class WhatsAppSimulator extends EventEmitter<SimulatorEventMap> {
  private readonly net: Network;
  private readonly media = new MediaHost();
  private readonly outbound: Outbound;
  private readonly pairing: Pairing;
  private readonly groupIq: GroupIq;
  private readonly calls: Calls;
  private readonly ws: WsServer;
  private readonly waiters = new Waiters(this);
  private refuseUntil = 0;
  private wsUrl = '';

  constructor(private readonly options: SimulatorOptions = {}) {
    super();
    // one listener per waiting caller: many sessions wait at once by design
    this.setMaxListeners(0);
    this.net = new Network(this, {
      qrRefs: options.qrRefs ?? 6,
      autoCreateAccounts: options.autoCreateAccounts ?? true,
      autoDeliveryReceipts: options.autoDeliveryReceipts ?? true,
      addressing: options.addressing ?? 'lid',
    });
    this.outbound = new Outbound(this.net);
    this.pairing = new Pairing(this.net);
    this.groupIq = new GroupIq(this.net);
    this.calls = new Calls(this.net);
    const login = new Login(this.net, this.pairing, this.outbound, this.media);
    const iq = new IqHandlers(this.net, this.pairing, login, this.groupIq, this.media, (phone, device) => this.unlink(phone, device));
    const inbound = new Inbound(this.net, this.outbound, this.media);
    this.net.handlers = {
      authenticated: (connection, key, payload) => login.authenticated(connection, key, payload),
      iq: (connection, session, node) => iq.handle(connection, session, node),
      message: (session, node) => inbound.message(session, node),
      receipt: (session, node) => inbound.receipt(session, node),
      presence: (session, node) => inbound.presence(session, node),
      call: (session, node) => this.calls.stanza(session, node),
      closed: (connection, session) => {
        if (session?.kind === 'registration') {
          this.pairing.closed(connection, session.registration);
        }
      },
    };
    this.ws = new WsServer(
      {
        host: options.host ?? '127.0.0.1',
        port: options.port ?? 0,
        serverStatic: generateKeyPair(),
        settleMs: options.handshakeSettleMs ?? 50,
        accept: () => Date.now() >= this.refuseUntil,
      },
      this.net,
    );
  }

  /** Starts the WebSocket server and the media host; resolves with the ws:// URL. */
  async start(): Promise<string> {
    await this.media.start(this.options.host ?? '127.0.0.1');
    this.wsUrl = await this.ws.start();
    return this.wsUrl;
  }

  async stop(): Promise<void> {
    this.waiters.cancelAll(new Error('simulator stopped'));
    await this.ws.stop();
    await this.media.stop();
  }

  get url(): string {
    return this.wsUrl;
  }

  /** host:port of the HTTPS media host. */
  get mediaHost(): string {
    return this.media.hostname;
  }

  /** PEM of the media host's self-signed certificate (trust it per client, e.g. NODE_EXTRA_CA_CERTS for a process). */
  get mediaCaPem(): string {
    return this.media.caPem;
  }

  /**
   * What a client needs to trust the media host: an https.Agent for Baileys' uploads (`fetchAgent`)
   * and an undici dispatcher for its downloads (`options.dispatcher`, Node's fetch takes nothing else).
   */
  createMediaClient(): MediaClient {
    const agent = this.media.createAgent();
    const dispatcher = this.media.createDispatcher();
    return {
      agent,
      dispatcher,
      close: async () => {
        agent.destroy();
        await dispatcher.close();
      },
    };
  }

  /**
   * The part of a Baileys socket config that reaches this simulator; spread it into makeWASocket's
   * config. Download media with the same client's dispatcher: `{ options: { dispatcher } }`.
   */
  socketConfig(client: MediaClient = this.createMediaClient()): {
    waWebSocketUrl: string;
    fetchAgent: Agent;
    options: { dispatcher: MediaClient['dispatcher'] };
  } {
    return { waWebSocketUrl: this.wsUrl, fetchAgent: client.agent, options: { dispatcher: client.dispatcher } };
  }

  // accounts and pairing

  /** Creates (or updates) a phone; `addressing` says how WhatsApp shows it to others (default: the simulator's). */
  createPhone(phone: string, options: { pushName?: string; addressing?: Addressing } = {}): PhoneInfo {
    return this.phone(this.net.accounts.create(phone, options.pushName, options.addressing).phone);
  }

  /** A phone that exists: its number, jids and how it is addressed. */
  phone(phone: string): PhoneInfo {
    const account = this.net.accounts.require(phone);
    return { phone: account.phone, jid: account.jid, lid: account.lidJid, addressing: account.addressing, pushName: account.pushName };
  }

  /** The phone scans the `qr` string Baileys emitted; resolves once the companion is linked. */
  scanQr(phone: string, qr: string): Promise<CompanionInfo> {
    return this.pairing.scanQr(phone, qr);
  }

  /** Types the code Baileys' requestPairingCode returned into the phone. */
  enterPairCode(phone: string, code: string): Promise<CompanionInfo> {
    return this.pairing.enterPairCode(phone, code);
  }

  companions(phone: string): CompanionInfo[] {
    const account = this.net.accounts.get(phone);
    return account ? [...account.companions.values()].map((c) => this.net.info(account, c)) : [];
  }

  // what contacts do

  /**
   * Contact `from` sends `content` to account `to`; resolves with the message id. `options.id` chooses that id,
   * for a caller that must know it before the recipient sees the message.
   */
  send(from: string, to: string, content: OutgoingContent, options: { id?: string } = {}): Promise<string> {
    const sender = this.net.account(from);
    const recipient = this.net.account(to);
    return this.outbound.direct(sender, recipient, buildMessage(content, this.media, recipient.jid), {
      mediatype: mediatypeOf(content),
      ...(options.id ? { id: options.id } : {}),
    });
  }

  sendToGroup(from: string, groupJid: string, content: OutgoingContent): Promise<string> {
    const group = this.net.groups.require(groupJid);
    return this.outbound.group(this.net.account(from), group, buildMessage(content, this.media, group.jid), {
      mediatype: mediatypeOf(content),
    });
  }

  /** Contact `from` reports messages from account `to` as delivered, read or played. */
  sendReceipt(from: string, to: string, messageIds: string[], type: ReceiptType = 'read', groupJid?: string): void {
    this.outbound.receipt(this.net.account(from), this.net.account(to), messageIds, type, groupJid);
  }

  setPresence(from: string, to: string, state: PresenceState): void {
    this.outbound.presence(this.net.account(from), this.net.account(to), state);
  }

  /** Privacy: whether the account shows its last seen to nobody. */
  hideLastSeen(phone: string, hide = true): void {
    this.net.account(phone).hidesLastSeen = hide;
  }

  /** Contact `from` calls account `to` (its linked devices ring); returns the call id. */
  offerCall(from: string, to: string, options: { video?: boolean } = {}): string {
    return this.calls.offer(this.net.account(from), this.net.account(to), options);
  }

  /** A call ends on the caller's or the phone's side (see CallEnding); throws for an unknown or finished call. */
  endCall(callId: string, how: CallEnding): void {
    this.calls.end(callId, how);
  }

  /** Messages the simulated phone of `phone` received, oldest first. */
  received(phone: string): ReceivedMessage[] {
    return [...(this.net.accounts.get(phone)?.inbox ?? [])];
  }

  /** Receipts companions sent for messages `phone` sent. */
  receipts(phone: string): ReceiptEvent[] {
    return [...(this.net.accounts.get(phone)?.receipts ?? [])];
  }

  waitForMessage(phone: string, match: (m: ReceivedMessage) => boolean = () => true, timeoutMs = 10_000) {
    const to = normalizePhone(phone);
    return this.waiters.waitFor('message', this.received(to), (m) => m.to === to && match(m), timeoutMs);
  }

  waitForReceipt(phone: string, messageId: string, type: ReceiptType, timeoutMs = 10_000) {
    const author = normalizePhone(phone);
    const match = (r: ReceiptEvent) => r.phone === author && r.messageId === messageId && r.type === type;
    return this.waiters.waitFor('receipt', this.receipts(author), match, timeoutMs);
  }

  waitFor<K extends keyof SimulatorEventMap>(event: K, match: (...args: SimulatorEventMap[K]) => boolean, timeoutMs = 10_000) {
    return this.waiters.waitFor<K, SimulatorEventMap[K][0]>(event, [], match as (value: SimulatorEventMap[K][0]) => boolean, timeoutMs);
  }

  // groups

  createGroup(creator: string, subject: string, members: string[]): GroupInfo {
    const jids = members.map((m) => this.net.account(m).jid);
    return groupInfo(this.groupIq.create(subject, this.net.account(creator), jids));
  }

  updateGroupParticipants(groupJid: string, author: string, action: ParticipantAction, phones: string[]): GroupInfo {
    const group = this.net.groups.require(groupJid);
    const jids = phones.map((p) => this.net.account(p).jid);
    this.groupIq.updateParticipants(group, this.net.account(author).jid, action, jids);
    return groupInfo(group);
  }

  group(groupJid: string): GroupInfo | undefined {
    const group = this.net.groups.get(groupJid);
    return group && groupInfo(group);
  }

  // faults

  /** The phone removes the companion: 401 device_removed now, `<failure reason=401>` on its next login. */
  unlink(phone: string, deviceId?: number): CompanionInfo[] {
    return this.eachCompanion(phone, deviceId, (account, companion) => {
      account.companions.delete(companion.deviceId);
      companion.connection?.end({
        tag: 'stream:error',
        attrs: { code: '401' },
        content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }],
      });
      this.emit('unlinked', this.net.info(account, companion));
    });
  }

  /** Stream error 515: Baileys ends with restartRequired and should reconnect with its creds. */
  requireRestart(phone: string, deviceId?: number): CompanionInfo[] {
    return this.eachCompanion(phone, deviceId, (_a, c) => c.connection?.end({ tag: 'stream:error', attrs: { code: '515' } }));
  }

  /** Conflict "replaced" (Baileys' 440), as when another client logged in with the same creds. */
  replace(phone: string, deviceId?: number): CompanionInfo[] {
    return this.eachCompanion(phone, deviceId, (_a, c) =>
      c.connection?.end({ tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] }),
    );
  }

  /** Drops the TCP connection without any stanza (Baileys' 428 connectionClosed). */
  drop(phone: string, deviceId?: number): CompanionInfo[] {
    return this.eachCompanion(phone, deviceId, (_a, c) => c.connection?.terminate());
  }

  /** New sockets are dropped on connect for `ms` milliseconds (a network or server outage). */
  refuseConnections(ms: number): void {
    this.refuseUntil = Date.now() + ms;
  }

  acceptConnections(): void {
    this.refuseUntil = 0;
  }

  private eachCompanion(
    phone: string,
    deviceId: number | undefined,
    act: (account: Account, companion: Companion) => void,
  ): CompanionInfo[] {
    const account = this.net.accounts.require(phone);
    const targets = [...account.companions.values()].filter((c) => deviceId === undefined || c.deviceId === deviceId);
    const infos = targets.map((c) => this.net.info(account, c));
    for (const companion of targets) {
      act(account, companion);
    }
    return infos;
  }
}

function mediatypeOf(content: OutgoingContent): string | undefined {
  switch (content.type) {
    case 'image':
    case 'video':
    case 'document':
    case 'sticker':
      return content.type;
    case 'audio':
      return content.ptt ? 'ptt' : 'audio';
    case 'contact':
      return 'vcard';
    default:
      return undefined;
  }
}

function groupInfo(group: Group): GroupInfo {
  return {
    id: group.jid,
    subject: group.subject,
    owner: group.creator.split('@')[0],
    participants: [...group.participants].map(([jid, admin]) => ({ phone: jid.split('@')[0], admin })),
  };
}
