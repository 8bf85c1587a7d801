import { randomBytes } from 'crypto';
import { EventEmitter } from 'events';
import { proto } from '@whiskeysockets/baileys';
import type { Agent } from 'https';
import type { Agent as UndiciAgent } from 'undici';

import { generateKeyPair, type KeyPair } from '../crypto/keys';
import { MediaHost } from '../media/media-host';
import { buildMessage } from '../phone/content';
import { labelPatch, labelsOf, type PhoneLabelChange, type PhoneLabels } from '../phone/labels';
import { AccountIq } from '../protocol/account-iq';
import { AccountOps, type ProfileView } from '../protocol/account-ops';
import { AppStateIq } from '../protocol/app-state-iq';
import { CommunityOps } from '../protocol/community-ops';
import { BusinessIq } from '../protocol/business-iq';
import { GroupIq } from '../protocol/group-iq';
import { GroupOps, type GroupSetting, type MemberResult, type ParticipantAction } from '../protocol/group-ops';
import { type CallEnding, Calls } from '../protocol/calls';
import { Inbound } from '../protocol/inbound';
import { IqHandlers } from '../protocol/iq';
import { Login } from '../protocol/login';
import { NewsletterIq } from '../protocol/newsletter-iq';
import { NewsletterOps } from '../protocol/newsletter-ops';
import { Network, type NetworkOptions } from '../protocol/network';
import type { AccountHistory } from '../protocol/account-history';
import { STATUS_BROADCAST } from '../protocol/nodes';
import { Outbound } from '../protocol/outbound';
import { newMessageId } from '../protocol/nodes';
import { Pairing } from '../protocol/pairing';
import { type Account, type Addressing, type Companion, type GroupAddPrivacy, normalizePhone } from '../state/accounts';
import type { Group } from '../state/groups';
import type { Newsletter, ReactionCodes } from '../state/newsletters';
import type { BusinessProfile, CatalogProduct } from '../state/business';
import type { PrivacyName, PrivacySettings } from '../state/account-settings';
import { WsServer } from '../transport/ws-server';
import type {
  CompanionInfo,
  CommunityInfo,
  GroupInfo,
  MemberOutcome,
  NewsletterInfo,
  OutgoingContent,
  ReceiptEvent,
  ReceiptType,
  ReceivedMessage,
  SimulatorEventMap,
  StoryStyle,
} from '../types';
import { Waiters } from './waiters';
import { SIMULATOR_API_METHODS } from './simulator-api';
import { decodeSnapshot, encodeSnapshot } from '../state/snapshot';
import type { SimulatorStateStore } from '../state/state-store';
import type { AccountRegistry } from '../state/accounts';
import type { GroupRegistry } from '../state/groups';
import type { NewsletterRegistry } from '../state/newsletters';

/** Methods beyond the API that change the saved state (tests' settings of a phone). */
const STATE_CHANGING_TEST_METHODS = ['setAppStatePageSize', 'setCatalogRate', 'failCatalogWrites'] as const;

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
  /**
   * Where the network's state outlives the process: loaded by `start`, saved a moment after changes (see
   * `stateSaveDelayMs`) and by `stop`, so that linked companions reconnect to a restarted simulator.
   */
  stateStore?: SimulatorStateStore;
  /**
   * How long a change waits for the next ones before the state is saved (default 250 ms), at least: a large
   * network waits longer (see `stateSaveDelay`).
   */
  stateSaveDelayMs?: number;
}

/**
 * How long a change waits before the state is saved: `baseMs`, or nine times what encoding the last snapshot
 * took, if longer. Encoding runs on the simulator's thread, and re-encoding a large network (20 MB of JSON for
 * 200 realistic accounts) every 250 ms would keep a core busy; spaced this way, saves take at most a tenth of
 * the thread. A crash loses the changes of that last moment (a stop saves everything).
 */
export function stateSaveDelay(baseMs: number, lastEncodeMs: number): number {
  return Math.max(baseMs, Math.round(lastEncodeMs * 9));
}

/** What a snapshot holds: the server's Noise key and the registries of the network. */
interface SavedState {
  serverStatic: KeyPair;
  accounts: AccountRegistry;
  groups: GroupRegistry;
  newsletters: NewsletterRegistry;
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
  private readonly groupOps: GroupOps;
  private readonly communityOps: CommunityOps;
  private readonly accountOps: AccountOps;
  private readonly newsletterOps: NewsletterOps;
  private readonly calls: Calls;
  private readonly appStateIq: AppStateIq;
  private readonly ws: WsServer;
  private readonly waiters = new Waiters(this);
  private refuseUntil = 0;
  private silentUntil = 0;
  private wsUrl = '';
  /** The server's Noise key: kept in the state, for companions to find the same server after a restart. */
  private readonly serverStatic: KeyPair = generateKeyPair();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** How long encoding the last snapshot took, for the spacing of saves. */
  private lastEncodeMs = 0;
  private started = false;

  constructor(private readonly options: SimulatorOptions = {}) {
    super();
    // one listener per waiting caller: many sessions wait at once by design
    this.setMaxListeners(0);
    this.net = new Network(this, {
      qrRefs: options.qrRefs ?? 6,
      autoCreateAccounts: options.autoCreateAccounts ?? true,
      autoDeliveryReceipts: options.autoDeliveryReceipts ?? true,
      addressing: options.addressing ?? 'lid',
      accountHistory: options.accountHistory ?? null,
    });
    this.outbound = new Outbound(this.net);
    this.pairing = new Pairing(this.net);
    this.groupOps = new GroupOps(this.net, this.media);
    this.communityOps = new CommunityOps(this.net, this.groupOps);
    this.groupIq = new GroupIq(this.net, this.groupOps, this.communityOps);
    this.calls = new Calls(this.net);
    const login = new Login(this.net, this.pairing, this.outbound, this.media);
    this.accountOps = new AccountOps(this.net, this.media);
    this.appStateIq = new AppStateIq(this.net);
    this.newsletterOps = new NewsletterOps(this.net, this.media);
    const iq = new IqHandlers(
      this.net,
      this.pairing,
      login,
      this.groupIq,
      this.media,
      (phone, device) => this.unlink(phone, device),
      new AccountIq(this.net, this.accountOps),
      this.appStateIq,
      new NewsletterIq(this.net, this.newsletterOps),
      new BusinessIq(this.net),
    );
    const inbound = new Inbound(this.net, this.outbound, this.media, this.groupOps, this.newsletterOps);
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
        serverStatic: this.serverStatic,
        settleMs: options.handshakeSettleMs ?? 50,
        accept: () => Date.now() >= this.refuseUntil,
        answer: () => Date.now() >= this.silentUntil,
      },
      this.net,
    );
  }

  /** Loads the saved state if there is a store, starts the WebSocket server and the media host; resolves with the ws:// URL. */
  async start(): Promise<string> {
    if (this.options.stateStore) {
      const saved = await this.options.stateStore.load();
      if (saved) this.restore(readSnapshot(saved));
      this.trackChanges();
    }
    await this.media.start(this.options.host ?? '127.0.0.1');
    this.wsUrl = await this.ws.start();
    this.started = true;
    return this.wsUrl;
  }

  async stop(): Promise<void> {
    this.waiters.cancelAll(new Error('simulator stopped'));
    await this.ws.stop();
    await this.media.stop();
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    // after the sockets closed: what they left unacknowledged is back in the offline queues, and saved
    if (this.started && this.options.stateStore) await this.saveState();
    this.started = false;
  }

  /** Saves the state now (a store is needed); resolves once it is written. */
  saveState(): Promise<void> {
    const store = this.options.stateStore;
    if (!store) return Promise.reject(new Error('the simulator has no state store'));
    const state: SavedState = {
      serverStatic: this.serverStatic,
      accounts: this.net.accounts,
      groups: this.net.groups,
      newsletters: this.net.newsletters,
    };
    this.saving = this.saving.then(() => {
      const started = performance.now();
      const snapshot = encodeSnapshot(state);
      this.lastEncodeMs = performance.now() - started;
      return store.save(snapshot);
    });
    return this.saving;
  }

  private restore(saved: SavedState): void {
    Object.assign(this.serverStatic, saved.serverStatic);
    Object.assign(this.net.accounts, saved.accounts);
    Object.assign(this.net.groups, saved.groups);
    Object.assign(this.net.newsletters, saved.newsletters);
    // nobody is connected to a simulator that just started: what was to be sent waits in the offline queues
    for (const account of this.net.accounts.all()) {
      for (const companion of account.companions.values()) {
        companion.connection = undefined;
        companion.online = false;
      }
    }
  }

  /** Saves a moment after a change: any stanza a client sends, any call of the simulator's API. */
  private trackChanges(): void {
    const changed = () => {
      if (!this.started || this.saveTimer) return;
      this.saveTimer = setTimeout(
        () => {
          this.saveTimer = undefined;
          this.saveState().catch((error: unknown) => this.emit('warning', { message: 'the simulator state could not be saved', error }));
        },
        stateSaveDelay(this.options.stateSaveDelayMs ?? 250, this.lastEncodeMs),
      );
      this.saveTimer.unref();
    };
    const after = <A extends unknown[], R>(act: (...args: A) => R) =>
      ((...args: A) => {
        try {
          const result = act(...args);
          if (result instanceof Promise) void result.then(changed, changed);
          else changed();
          return result;
        } catch (error) {
          changed();
          throw error;
        }
      }) as (...args: A) => R;
    const handlers = this.net.handlers as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of Object.keys(handlers)) handlers[name] = after(handlers[name]);
    const self = this as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of [...SIMULATOR_API_METHODS, ...STATE_CHANGING_TEST_METHODS]) self[name] = after(self[name].bind(this));
  }

  get url(): string {
    return this.wsUrl;
  }

  /** What every account's phone holds when it links a companion; null for light accounts. */
  get accountHistory(): AccountHistory | null {
    return this.net.options.accountHistory;
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
  createPhone(
    phone: string,
    options: { pushName?: string; addressing?: Addressing; business?: boolean; keyShareDelayMs?: number } = {},
  ): PhoneInfo {
    const account = this.net.accounts.create(phone, options.pushName, options.addressing);
    if (options.business !== undefined) {
      account.business = options.business;
    }
    if (options.keyShareDelayMs !== undefined) {
      account.keyShareDelayMs = options.keyShareDelayMs;
    }
    return this.phone(account.phone);
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

  /** Contact `from` writes in a group; refused (GroupRefusal) when not a member, or not an admin of an announcement group. */
  async sendToGroup(from: string, groupJid: string, content: OutgoingContent): Promise<string> {
    const sender = this.net.account(from);
    const group = this.groupOps.writableBy(sender, groupJid);
    return this.outbound.group(sender, group, buildMessage(content, this.media, group.jid), {
      mediatype: mediatypeOf(content),
    });
  }

  /**
   * Contact `from` posts a story to `viewers` (phone numbers or jids: its statusJidList); each viewer's devices get
   * it from status@broadcast. A text story may carry a background colour (`#RRGGBB` or `#AARRGGBB`) and a font.
   * Resolves with the story's message id.
   */
  async postStory(
    from: string,
    viewers: string[],
    content: OutgoingContent,
    style: StoryStyle = {},
    options: { id?: string } = {},
  ): Promise<string> {
    if (!viewers.length) {
      throw new Error('a story needs at least one viewer');
    }
    const author = this.net.account(from);
    const audience = viewers.map((v) => {
      const viewer = this.net.findAccount(v);
      if (!viewer) {
        throw new Error(`no account for viewer ${v}`);
      }
      return viewer;
    });
    let message = buildMessage(content, this.media, STATUS_BROADCAST);
    if (content.type === 'text' && (style.background !== undefined || style.font !== undefined)) {
      message = {
        extendedTextMessage: {
          text: content.text,
          ...(style.background !== undefined ? { backgroundArgb: argbOf(style.background) } : {}),
          ...(style.font !== undefined ? { font: style.font } : {}),
        },
      };
    }
    return this.outbound.story(author, audience, message, { mediatype: mediatypeOf(content), ...(options.id ? { id: options.id } : {}) });
  }

  /** Contact `viewer` views stories `author` posted: a read receipt from status@broadcast reaches the author's devices. */
  viewStory(viewer: string, author: string, messageIds: string[]): void {
    this.outbound.receipt(this.net.account(viewer), this.net.account(author), messageIds, 'read', STATUS_BROADCAST);
  }

  /** Stories the simulated phone of `phone` received (revoked ones are marked), oldest first. */
  stories(phone: string): ReceivedMessage[] {
    return this.received(phone).filter((m) => m.story);
  }

  /** Contact `from` reports messages from account `to` as delivered, read or played. */
  sendReceipt(from: string, to: string, messageIds: string[], type: ReceiptType = 'read', groupJid?: string): void {
    this.outbound.receipt(this.net.account(from), this.net.account(to), messageIds, type, groupJid);
  }

  setPresence(from: string, to: string, state: PresenceState): void {
    this.outbound.presence(this.net.account(from), this.net.account(to), state);
  }

  /** Contact `from` types, records or pauses in a group it is in: the other members' devices see it. */
  setGroupChatState(from: string, groupJid: string, state: 'composing' | 'paused' | 'recording'): void {
    const sender = this.net.account(from);
    this.outbound.groupChatState(sender, this.groupOps.memberOf(sender, groupJid), state);
  }

  /** Privacy: the account shows its last seen to nobody (`hide`), or to everyone; a shortcut for `setPrivacy`. */
  hideLastSeen(phone: string, hide = true): void {
    this.setPrivacy(phone, { last: hide ? 'none' : 'all' });
  }

  /**
   * Contact `from` calls account `to` (its linked devices ring); returns the call id. With `group`, a group call
   * placed in that group, both of them members.
   */
  offerCall(from: string, to: string, options: { video?: boolean; group?: string } = {}): string {
    const caller = this.net.account(from);
    const callee = this.net.account(to);
    if (options.group) {
      const group = this.groupOps.memberOf(caller, options.group);
      if (!group.participants.has(callee.jid)) throw new Error(`${to} is not a member of ${options.group}`);
    }
    return this.calls.offer(caller, callee, options);
  }

  /** A call ends on the caller's or the phone's side (see CallEnding); throws for an unknown or finished call. */
  endCall(callId: string, how: CallEnding): void {
    this.calls.end(callId, how);
  }

  /**
   * Which linked device acknowledged each of these messages (by WhatsApp id) with its receipt, and when (epoch ms):
   * from then on the network will not deliver it again, as WhatsApp. Ids not acknowledged are left out.
   */
  acknowledgements(ids: string[]): Record<string, { device: string; at: number }> {
    return this.net.acknowledgementsOf(ids);
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

  // groups: simulated phones acting in groups, with WhatsApp's permissions (a refusal throws GroupRefusal,
  // whose `code` is the IQ error WhatsApp would answer) and the w:gp2 notifications every change sends

  /** `creator` makes a group with `members`; members whose privacy refuses the add are left out and listed in `refused`. */
  createGroup(creator: string, subject: string, members: string[]): GroupInfo & { refused: MemberOutcome[] } {
    const jids = members.map((m) => this.net.account(m).jid);
    const { group, results } = this.groupOps.create(this.net.account(creator), subject, jids);
    return { ...groupInfo(group), refused: results.filter((r) => r.status !== 200).map(memberOutcome) };
  }

  /** `author` adds, removes, promotes or demotes `phones`; answers the group and each member's outcome. */
  updateGroupParticipants(
    groupJid: string,
    author: string,
    action: ParticipantAction,
    phones: string[],
  ): GroupInfo & { outcomes: MemberOutcome[] } {
    const jids = phones.map((p) => this.net.account(p).jid);
    const results = this.groupOps.changeParticipants(this.net.account(author), groupJid, action, jids);
    return { ...groupInfo(this.net.groups.require(groupJid)), outcomes: results.map(memberOutcome) };
  }

  setGroupSubject(groupJid: string, author: string, subject: string): GroupInfo {
    this.groupOps.setSubject(this.net.account(author), groupJid, subject);
    return groupInfo(this.net.groups.require(groupJid));
  }

  /** null removes the description. */
  setGroupDescription(groupJid: string, author: string, description: string | null): GroupInfo {
    this.groupOps.setDescription(this.net.account(author), groupJid, description);
    return groupInfo(this.net.groups.require(groupJid));
  }

  /** One setting: `{ announce }`, `{ locked }`, `{ ephemeral: seconds }`, `{ memberAddMode }` or `{ joinApproval }`. */
  changeGroupSetting(groupJid: string, author: string, setting: GroupSetting): GroupInfo {
    this.groupOps.changeSetting(this.net.account(author), groupJid, setting);
    return groupInfo(this.net.groups.require(groupJid));
  }

  /** Sets the group icon (JPEG bytes), or removes it with null. */
  setGroupPicture(groupJid: string, author: string, jpeg: Buffer | null): GroupInfo {
    this.groupOps.setPicture(this.net.account(author), groupJid, jpeg);
    return groupInfo(this.net.groups.require(groupJid));
  }

  /** `phone` leaves the group. */
  leaveGroup(groupJid: string, phone: string): void {
    this.groupOps.leave(this.net.account(phone), groupJid);
  }

  /** The group's invite code, as an admin `author` reads it. */
  groupInviteCode(groupJid: string, author: string): string {
    return this.groupOps.inviteCode(this.net.account(author), groupJid);
  }

  /** `phone` opens an invite link: it joins, or its request waits for an admin when the group wants approval. */
  joinGroupByInvite(phone: string, code: string): { group: string; status: 'joined' | 'pending_approval' } {
    const result = this.groupOps.joinByInvite(this.net.account(phone), code);
    return 'joined' in result ? { group: result.joined.jid, status: 'joined' } : { group: result.pending.jid, status: 'pending_approval' };
  }

  /** `phone` accepts the private invitation it received (a `group_invite` message) and joins the group. */
  acceptGroupInvitation(phone: string, groupJid: string, code: string): GroupInfo {
    return groupInfo(this.groupOps.acceptAddRequest(this.net.account(phone), groupJid, code));
  }

  /** An admin `author` approves or rejects the pending requests of `phones`. */
  answerGroupJoinRequests(groupJid: string, author: string, phones: string[], answer: 'approve' | 'reject'): MemberOutcome[] {
    const jids = phones.map((p) => this.net.account(p).jid);
    return this.groupOps.answerJoinRequests(this.net.account(author), groupJid, jids, answer).map(memberOutcome);
  }

  // newsletters (WhatsApp Channels): simulated phones owning, following and posting to them (a refusal throws
  // NewsletterRefusal, whose `code` is the error WhatsApp would answer)

  /** `owner` creates a newsletter; it is its owner and only admin. */
  createNewsletter(owner: string, name: string, description = ''): NewsletterInfo {
    return newsletterInfo(this.newsletterOps.create(this.net.account(owner), name, description));
  }

  /** A newsletter as the simulated network holds it; undefined if none. */
  newsletter(jid: string): NewsletterInfo | undefined {
    const newsletter = this.net.newsletters.get(jid);
    return newsletter && newsletterInfo(newsletter);
  }

  followNewsletter(phone: string, jid: string): NewsletterInfo {
    return newsletterInfo(this.newsletterOps.follow(this.net.account(phone), jid));
  }

  unfollowNewsletter(phone: string, jid: string): NewsletterInfo {
    return newsletterInfo(this.newsletterOps.unfollow(this.net.account(phone), jid));
  }

  /**
   * `owner` makes `phone` an admin of the newsletter: the owner's invitation accepted on that phone (WhatsApp's
   * request for it is not known, so it happens here, on the simulated network, not over a socket).
   */
  addNewsletterAdmin(owner: string, jid: string, phone: string): NewsletterInfo {
    return newsletterInfo(this.newsletterOps.addAdmin(this.net.account(owner), jid, this.net.account(phone)));
  }

  /** An admin `phone` renames the newsletter, rewrites its description or changes what followers may react with. */
  updateNewsletter(
    phone: string,
    jid: string,
    updates: { name?: string; description?: string; reactionCodes?: ReactionCodes },
  ): NewsletterInfo {
    return newsletterInfo(this.newsletterOps.update(this.net.account(phone), jid, updates));
  }

  /**
   * An admin `phone` posts text (or a location or contact card) to the newsletter: its followers' devices get it
   * in plaintext, as WhatsApp delivers posts. Answers the post's message id and server id.
   */
  postToNewsletter(phone: string, jid: string, content: OutgoingContent): { id: string; serverId: number } {
    if (!['text', 'location', 'contact'].includes(content.type)) {
      throw new Error('a simulated phone posts text, locations and contacts to a newsletter');
    }
    const message = proto.Message.encode(buildMessage(content, this.media, jid)).finish();
    const post = this.newsletterOps.post(this.net.account(phone), jid, newMessageId(), 'text', Buffer.from(message));
    return { id: post.id, serverId: post.serverId };
  }

  /** A follower `phone` reacts to a post (an empty emoji takes the reaction back). */
  reactToNewsletterPost(phone: string, jid: string, serverId: number, emoji: string): void {
    this.newsletterOps.react(this.net.account(phone), jid, serverId, emoji);
  }

  // communities: a phone creates one (with its announcement group), adds people to it, creates or links
  // groups in it; refusals and notifications as for a companion's w:g2 requests

  /** `creator` makes a community (and its announcement group) and adds `members` to it; refused adds in `refused`. */
  createCommunity(
    creator: string,
    subject: string,
    description: string | null,
    members: string[] = [],
  ): CommunityInfo & { refused: MemberOutcome[] } {
    const author = this.net.account(creator);
    const community = this.communityOps.create(author, subject, description, 'request_required');
    const jids = members.map((m) => this.net.account(m).jid);
    const results = jids.length ? this.communityOps.changeParticipants(author, community.jid, 'add', jids) : [];
    return { ...this.community(community.jid)!, refused: results.filter((r) => r.status !== 200).map(memberOutcome) };
  }

  /** `author` (a community admin) creates a group linked to the community, with `members`. */
  createCommunityGroup(communityJid: string, author: string, subject: string, members: string[] = []): GroupInfo {
    const jids = members.map((m) => this.net.account(m).jid);
    return groupInfo(this.communityOps.createGroup(this.net.account(author), communityJid, subject, jids).group);
  }

  /** `author` (admin of both) links a group to the community. */
  linkCommunityGroup(communityJid: string, author: string, groupJid: string): CommunityInfo {
    this.communityOps.link(this.net.account(author), communityJid, groupJid);
    return this.community(communityJid)!;
  }

  /** `author` (a community admin) unlinks a group from the community. */
  unlinkCommunityGroup(communityJid: string, author: string, groupJid: string): CommunityInfo {
    this.communityOps.unlink(this.net.account(author), communityJid, groupJid);
    return this.community(communityJid)!;
  }

  /** `author` adds, removes (from every linked group too), promotes or demotes `phones` in the community. */
  updateCommunityParticipants(
    communityJid: string,
    author: string,
    action: ParticipantAction,
    phones: string[],
  ): CommunityInfo & { outcomes: MemberOutcome[] } {
    const jids = phones.map((p) => this.net.account(p).jid);
    const results = this.communityOps.changeParticipants(this.net.account(author), communityJid, action, jids, true);
    return { ...this.community(communityJid)!, outcomes: results.map(memberOutcome) };
  }

  /** A community as the network holds it; undefined when there is none (or the jid is a plain group). */
  community(communityJid: string): CommunityInfo | undefined {
    const community = this.net.groups.get(communityJid);
    if (!community?.isCommunity) return undefined;
    const linked = this.net.groups.linkedTo(community.jid);
    return {
      ...groupInfo(community),
      announcementGroup: linked.find((g) => g.isDefaultSubGroup)?.jid ?? null,
      groups: linked.filter((g) => !g.isDefaultSubGroup).map((g) => g.jid),
    };
  }

  /** Who may add `phone` to groups; with 'contacts', the phones in `contacts` (its address book) may. */
  setGroupAddPrivacy(phone: string, privacy: GroupAddPrivacy, contacts: string[] = []): void {
    const account = this.net.account(phone);
    account.groupAddPrivacy = privacy;
    account.contacts.clear();
    contacts.forEach((c) => account.contacts.add(this.net.account(c).jid));
  }

  // what a phone sets about itself (its companions are told, as WhatsApp tells them)

  /** The phone changes privacy settings (wire names: last, online, profile, status, readreceipts, groupadd, calladd, messages). */
  setPrivacy(phone: string, settings: Partial<Record<PrivacyName, string>>): PrivacySettings {
    const account = this.net.account(phone);
    this.accountOps.setPrivacy(
      account,
      Object.entries(settings).map(([name, value]) => ({ name, value })),
    );
    return { ...account.privacy };
  }

  privacy(phone: string): PrivacySettings & { defaultDisappearing: number } {
    const account = this.net.account(phone);
    return { ...account.privacy, defaultDisappearing: account.defaultDisappearing.duration };
  }

  setDefaultDisappearing(phone: string, seconds: number): void {
    this.accountOps.setDefaultDisappearing(this.net.account(phone), seconds);
  }

  /** The phone blocks `target` (a phone number or jid). */
  block(phone: string, target: string): void {
    this.accountOps.setBlocked(this.net.account(phone), this.net.account(target).jid, 'block');
  }

  unblock(phone: string, target: string): void {
    this.accountOps.setBlocked(this.net.account(phone), this.net.account(target).jid, 'unblock');
  }

  /**
   * The trusted-contact privacy tokens the companions of `phone` issued, by contact, with how many times each
   * was issued (WhatsApp Web issues one a week per contact, not one per message).
   */
  privacyTokensIssued(phone: string): Array<{ jid: string; type: string; t: number; times: number }> {
    return [...this.net.account(phone).issuedPrivacyTokens].map(([jid, token]) => ({ jid, ...token }));
  }

  /** The phone numbers `phone` has blocked. */
  blocklist(phone: string): string[] {
    return [...this.net.account(phone).blocked].map((jid) => normalizePhone(jid)).sort();
  }

  /** Adds phones to `phone`'s address book: what the `contacts` privacy settings show things to. */
  addContacts(phone: string, contacts: string[]): void {
    const account = this.net.account(phone);
    contacts.forEach((c) => account.contacts.add(this.net.account(c).jid));
  }

  setAbout(phone: string, text: string): void {
    this.accountOps.setAbout(this.net.account(phone), text);
  }

  /** Sets (a JPEG) or removes (null) the phone's profile picture. */
  setProfilePicture(phone: string, jpeg: Buffer | null): void {
    this.accountOps.setPicture(this.net.account(phone), jpeg);
  }

  /** The next `count` reads of `phone`'s picture, by anyone, fail with WhatsApp's `code` and `text`. */
  failPictureReads(phone: string, count: number, code = 500, text = 'internal-server-error'): void {
    const account = this.net.account(phone);
    for (let i = 0; i < count; i++) account.pictureReadFailures.push({ code, text });
  }

  /** What `viewer` is shown of `phone`'s profile: name, about, picture URL, last seen, under privacy and blocks. */
  viewProfile(viewer: string, phone: string): ProfileView {
    return this.accountOps.view(this.net.account(phone), this.net.account(viewer));
  }

  /** The picture bytes `phone` set, or null. */
  profilePicture(phone: string): Buffer | null {
    return this.net.accounts.get(phone)?.picture?.jpeg ?? null;
  }

  // labels (WhatsApp Business): app-state patches the phone writes to the account's `regular` collection

  /**
   * The phone creates, edits, deletes (`deleted: true`) a label or labels/unlabels a chat or message; its
   * companions are told with a `server_sync` notification. Resolves with the collection's new version.
   */
  async changeLabels(phone: string, change: PhoneLabelChange): Promise<number> {
    const account = this.net.account(phone);
    if (!account.business) {
      throw new Error(`${account.phone} is not a WhatsApp Business account: it has no labels`);
    }
    return this.appStateIq.writeFromPhone(account, labelPatch(change));
  }

  /** Whether the phone runs the WhatsApp Business app (only those have labels). */
  isBusiness(phone: string): boolean {
    return this.net.accounts.get(phone)?.business ?? false;
  }

  /** What the phone shows of its labels, read from the collection's log (its own changes and its companions'). */
  async labels(phone: string): Promise<PhoneLabels> {
    return labelsOf(await this.net.account(phone).appState.read('regular'));
  }

  /** How many patches one app-state sync answer carries for the phone's account before `has_more_patches`. */
  setAppStatePageSize(phone: string, size: number): void {
    this.net.account(phone).appState.pageSize = size;
  }

  /** An app-state collection's current version on the server (0 when nothing was ever written to it). */
  appStateVersion(phone: string, collection: string): number {
    return this.net.account(phone).appState.version(collection);
  }

  // WhatsApp Business: the profile, catalog, collections and orders WhatsApp's server keeps for the account

  /** The business account's profile as WhatsApp holds it. */
  businessProfile(phone: string): BusinessProfile {
    return structuredClone(this.businessAccount(phone).businessState.profile);
  }

  /** The phone edits its business profile (including what a linked device cannot: the category). */
  setBusinessProfile(phone: string, change: Partial<BusinessProfile>): BusinessProfile {
    const state = this.businessAccount(phone).businessState;
    state.profile = { ...state.profile, ...structuredClone(change) };
    return this.businessProfile(phone);
  }

  /** The products of the account's catalog, in WhatsApp's order. */
  catalog(phone: string): CatalogProduct[] {
    return this.businessAccount(phone)
      .businessState.list()
      .map((p) => structuredClone(p));
  }

  /** The phone adds a product to its catalog (its price as written on the wire: amount × 1000). */
  addProductOnPhone(
    phone: string,
    product: Pick<CatalogProduct, 'name' | 'price' | 'currency'> & Partial<Omit<CatalogProduct, 'id'>>,
  ): CatalogProduct {
    const state = this.businessAccount(phone).businessState;
    const created: CatalogProduct = {
      retailerId: '',
      description: '',
      imageUrls: [],
      url: '',
      hidden: false,
      reviewStatus: 'APPROVED',
      ...product,
      id: state.newProductId(),
    };
    state.products.set(created.id, created);
    return structuredClone(created);
  }

  /** The phone edits a product of its catalog; throws for an unknown product. */
  editProductOnPhone(phone: string, productId: string, change: Partial<Omit<CatalogProduct, 'id'>>): CatalogProduct {
    const state = this.businessAccount(phone).businessState;
    const product = state.products.get(productId);
    if (!product) throw new Error(`${phone} has no product ${productId}`);
    Object.assign(product, change);
    return structuredClone(product);
  }

  /** The phone deletes a product; false when it had none by that id. */
  deleteProductOnPhone(phone: string, productId: string): boolean {
    return this.businessAccount(phone).businessState.products.delete(productId);
  }

  /** The phone groups products into a collection (only the WhatsApp Business app can); returns its id. */
  createCollection(phone: string, name: string, productIds: string[]): string {
    const state = this.businessAccount(phone).businessState;
    const id = state.newProductId();
    state.collections.push({ id, name, productIds: [...productIds] });
    return id;
  }

  /** Catalog requests the account may send per rolling second before WhatsApp answers 429 (Infinity: no limit). */
  setCatalogRate(phone: string, perSecond: number): void {
    this.businessAccount(phone).businessState.ratePerSecond = perSecond;
  }

  /** The next `count` catalog writes of the account are refused with WhatsApp's `code` and `text`. */
  failCatalogWrites(phone: string, count: number, code = 500, text = 'internal-server-error'): void {
    const state = this.businessAccount(phone).businessState;
    for (let i = 0; i < count; i++) state.failures.push({ code, text });
  }

  /**
   * Contact `customer` orders products of `business`'s catalog: WhatsApp records the order (what
   * getOrderDetails answers with its token) and the customer's phone sends the order message.
   */
  async placeOrder(
    customer: string,
    business: string,
    items: Array<{ productId: string; quantity: number }>,
    text = '',
  ): Promise<{ orderId: string; messageId: string; token: string; total: number; currency: string }> {
    const sender = this.net.account(customer);
    const seller = this.businessAccount(business);
    const lines = items.map(({ productId, quantity }) => {
      const product = seller.businessState.products.get(productId);
      if (!product) throw new Error(`${seller.phone} has no product ${productId}`);
      if (!Number.isInteger(quantity) || quantity < 1) throw new Error('a quantity is a whole number of at least 1');
      return {
        productId,
        name: product.name,
        imageUrl: product.imageUrls[0] ?? '',
        price: Number(product.price),
        currency: product.currency,
        quantity,
      };
    });
    if (lines.length === 0) throw new Error('an order has at least one item');
    const currency = lines[0].currency;
    const total = lines.reduce((sum, l) => sum + l.price * l.quantity, 0);
    const orderId = seller.businessState.newProductId();
    const token = randomBytes(24).toString('base64');
    seller.businessState.orders.set(orderId, { id: orderId, token, customer: sender.phone, items: lines, total, currency });
    const messageId = await this.outbound.direct(sender, seller, {
      orderMessage: {
        orderId,
        itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
        status: proto.Message.OrderMessage.OrderStatus.INQUIRY,
        surface: proto.Message.OrderMessage.OrderSurface.CATALOG,
        message: text,
        orderTitle: seller.pushName,
        sellerJid: seller.jid,
        token,
        totalAmount1000: total,
        totalCurrencyCode: currency,
        messageVersion: 1,
      },
    });
    return { orderId, messageId, token, total, currency };
  }

  private businessAccount(phone: string): Account {
    const account = this.net.account(phone);
    if (!account.business) throw new Error(`${account.phone} is not a WhatsApp Business account`);
    return account;
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
    this.silentUntil = 0;
  }

  /** New sockets are accepted but never answered for `ms` milliseconds (a server that went silent). */
  silenceConnections(ms: number): void {
    this.silentUntil = Date.now() + ms;
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

/** A saved state, or an error saying it cannot be read: the simulator does not start on a network it half-read. */
function readSnapshot(saved: string): SavedState {
  try {
    return decodeSnapshot(saved) as SavedState;
  } catch (error) {
    throw new Error(`the saved simulator state cannot be read (${(error as Error).message}); remove it to start an empty network`, {
      cause: error,
    });
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

/** `#RRGGBB` (opaque) or `#AARRGGBB` as the ARGB integer WhatsApp carries. */
function argbOf(color: string): number {
  const hex = color.replace(/^#/, '');
  if (!/^([0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) {
    throw new Error(`not a colour: ${color}`);
  }
  return parseInt(hex.length === 6 ? `ff${hex}` : hex, 16);
}

function groupInfo(group: Group): GroupInfo {
  const phone = (jid: string) => jid.split('@')[0];
  return {
    id: group.jid,
    subject: group.subject,
    owner: phone(group.creator),
    description: group.description?.body ?? null,
    announce: group.announce,
    locked: group.locked,
    ephemeral: group.ephemeral,
    memberAddMode: group.memberAddMode,
    joinApproval: group.joinApproval,
    inviteCode: group.inviteCode,
    pictureUrl: group.picture?.url ?? null,
    participants: [...group.participants].map(([jid, admin]) => ({ phone: phone(jid), admin })),
    joinRequests: [...group.joinRequests.keys()].map(phone),
    isCommunity: group.isCommunity,
    isCommunityAnnouncement: group.isDefaultSubGroup,
    communityId: group.linkedParent,
  };
}

function memberOutcome(result: MemberResult): MemberOutcome {
  const account = result.requested.split('@')[0];
  return { jid: result.requested, phone: account, status: result.status, ...(result.addRequest ? { addRequest: result.addRequest } : {}) };
}

function newsletterInfo(newsletter: Newsletter): NewsletterInfo {
  const phone = (jid: string) => jid.split('@')[0];
  return {
    id: newsletter.jid,
    name: newsletter.name.text,
    description: newsletter.description.text,
    owner: phone(newsletter.owner),
    admins: [...newsletter.admins].map(phone),
    followers: [...newsletter.followers].map(([jid, { muted }]) => ({ phone: phone(jid), muted })),
    invite: newsletter.invite,
    reactionCodes: newsletter.reactionCodes,
    pictureUrl: newsletter.picture?.url ?? null,
    posts: newsletter.posts.map((post) => ({
      serverId: post.serverId,
      id: post.id,
      author: phone(post.author),
      reactions: Object.fromEntries([...post.reactions].map(([jid, code]) => [phone(jid), code])),
    })),
  };
}
