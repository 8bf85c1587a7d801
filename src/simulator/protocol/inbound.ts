import {
  type BinaryNode,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  isJidGroup,
  jidDecode,
  jidNormalizedUser,
  proto,
} from '@whiskeysockets/baileys';
import type { MediaHost } from '../media/media-host';
import { readMessage } from '../phone/content';
import type { EncType, PreKeyBundle } from '../phone/sim-device';
import type { Account, Companion } from '../state/accounts';
import { type Group, groupSenderAttrs } from '../state/groups';
import type { ReceiptType, StoryStyle } from '../types';
import { blockedBetween, sendsReadReceipts } from './account-ops';
import type { Network, Session } from './network';
import type { GroupOps } from './group-ops';
import { NewsletterRefusal, type NewsletterOps } from './newsletter-ops';
import { childBuffer, childNodes, readUintBE, STATUS_BROADCAST, unixNow } from './nodes';
import type { Outbound } from './outbound';

type CompanionSession = Extract<Session, { kind: 'companion' }>;

/**
 * Stanzas a companion sends into the network: messages fanned out per
 * device (simulated phones decrypt, real companions get the enc forwarded),
 * receipts and presence.
 */
/** How many times a phone asks a companion again for one message it cannot decrypt (Baileys resends up to 5). */
const MAX_RETRY_REQUESTS = 3;

export class Inbound {
  /** Retry receipts sent so far, per phone, companion and message. */
  private readonly retryRequests = new Map<string, number>();

  constructor(
    private readonly net: Network,
    private readonly outbound: Outbound,
    private readonly media: MediaHost,
    private readonly groups: GroupOps,
    private readonly newsletters: NewsletterOps,
  ) {}

  async message(session: CompanionSession, node: BinaryNode): Promise<void> {
    const { account, companion } = session;
    const to = node.attrs.to;
    if (to?.endsWith('@newsletter')) {
      return this.newsletterMessage(session, node);
    }
    const group = isJidGroup(to) ? this.net.groups.get(to) : undefined;
    if (group && this.groups.refusesMessage(group, account)) {
      // not a member, or a member who is not an admin of an announcement group: refused in the ack, delivered to nobody
      companion.connection?.send({ tag: 'ack', attrs: { class: 'message', id: node.attrs.id, from: to, t: unixNow(), error: '403' } });
      return;
    }
    companion.connection?.send({ tag: 'ack', attrs: { class: 'message', id: node.attrs.id, from: to, t: unixNow() } });
    const targets = new Map<string, BinaryNode[]>();
    for (const target of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
      const encs = targets.get(target.attrs.jid) ?? [];
      encs.push(...getBinaryNodeChildren(target, 'enc'));
      targets.set(target.attrs.jid, encs);
    }
    if (to === STATUS_BROADCAST) {
      return this.storyMessage(account, companion, node, targets);
    }
    if (isJidGroup(to)) {
      if (!group) {
        this.net.warn(`message to unknown group ${to}`);
        return;
      }
      return this.groupMessage(account, companion, group, node, targets);
    }
    const direct = getBinaryNodeChildren(node, 'enc');
    if (direct.length) {
      // peer messages carry a single enc for the own phone
      targets.set(to, direct);
    }
    for (const [jid, encs] of targets) {
      await this.toDevice(account, companion, node, jid, encs);
    }
  }

  /**
   * A post (plaintext, no Signal) or a reaction to a newsletter: numbered and fanned out to the followers, the
   * ack carrying its `server_id`; refused in the ack (`error`) when the sender may not.
   */
  private newsletterMessage({ account, companion }: CompanionSession, node: BinaryNode): void {
    const attrs: Record<string, string> = { class: 'message', id: node.attrs.id, from: node.attrs.to, t: unixNow() };
    try {
      const { serverId } = this.newsletters.incoming(account, companion, node);
      if (serverId !== undefined) attrs.server_id = serverId.toString();
    } catch (error) {
      if (!(error instanceof NewsletterRefusal)) throw error;
      attrs.error = error.code.toString();
    }
    companion.connection?.send({ tag: 'ack', attrs });
  }

  private async toDevice(account: Account, companion: Companion, node: BinaryNode, jid: string, encs: BinaryNode[]) {
    const decoded = jidDecode(jid);
    const target = decoded && this.net.findAccount(jid);
    if (!decoded || !target) {
      this.net.warn(`message for unknown device ${jid}`);
      return;
    }
    // between a blocked pair WhatsApp takes the message (server ack) and delivers it to nobody
    const blocked = target !== account && blockedBetween(account, target);
    if (!decoded.device) {
      for (const enc of encs) {
        // decrypted all the same, so the phone's session stays in step with the sender's
        const message = await this.decrypt(target, companion, enc);
        if (!message && target !== account) this.askAgain(target, companion, node);
        if (message && node.attrs.category !== 'peer' && !blocked) {
          this.received(target, account, companion, node, message);
        }
      }
      return;
    }
    const targetCompanion = target.companions.get(decoded.device);
    if (!targetCompanion || blocked) {
      return;
    }
    const attrs: Record<string, string> = {
      ...account.senderAttrs(companion.deviceId, 'from'),
      id: node.attrs.id,
      t: unixNow(),
      type: node.attrs.type ?? 'text',
      notify: account.pushName,
    };
    if (target === account) {
      // own devices learn which chat the message belongs to
      attrs.recipient = node.attrs.recipient ?? jidNormalizedUser(node.attrs.to);
    }
    for (const name of ['category', 'edit'] as const) {
      if (node.attrs[name]) {
        attrs[name] = node.attrs[name];
      }
    }
    const identity = getBinaryNodeChild(node, 'device-identity');
    this.net.deliver(targetCompanion, { tag: 'message', attrs, content: identity ? [...encs, identity] : encs });
  }

  private async groupMessage(
    account: Account,
    companion: Companion,
    group: Group,
    node: BinaryNode,
    targets: Map<string, BinaryNode[]>,
  ): Promise<void> {
    const skmsg = getBinaryNodeChildren(node, 'enc').find((enc) => enc.attrs.type === 'skmsg');
    const identity = getBinaryNodeChild(node, 'device-identity');
    for (const member of group.participants.keys()) {
      const memberAccount = this.net.accounts.get(member);
      if (!memberAccount) {
        continue;
      }
      // the simulated phone keeps every pairwise session in step, even for its own account
      let distributed = true;
      for (const enc of encsFor(targets, memberAccount, 0)) {
        const message = await this.decrypt(memberAccount, companion, enc);
        if (message?.senderKeyDistributionMessage) {
          await memberAccount.phoneDevice.processDistribution(companion.jid, message.senderKeyDistributionMessage);
        } else {
          distributed = false;
        }
      }
      if (memberAccount !== account && skmsg && distributed) {
        try {
          const content = skmsg.content as Uint8Array;
          const message = await memberAccount.phoneDevice.decryptGroup(group.jid, companion.jid, content);
          this.received(memberAccount, account, companion, node, message, group.jid);
        } catch (error) {
          this.net.warn(`${memberAccount.phone} could not decrypt a group message`, error);
        }
      }
      for (const other of memberAccount.companions.values()) {
        if (other === companion) {
          continue;
        }
        const content = [...encsFor(targets, memberAccount, other.deviceId), ...(skmsg ? [skmsg] : []), ...(identity ? [identity] : [])];
        this.net.deliver(other, {
          tag: 'message',
          attrs: {
            from: group.jid,
            ...groupSenderAttrs(group, account, companion.deviceId),
            id: node.attrs.id,
            t: unixNow(),
            type: node.attrs.type ?? 'text',
            notify: account.pushName,
          },
          content,
        });
      }
    }
  }

  /**
   * A story: sent like a group message to the ad-hoc audience the stanza's participants name (Baileys' statusJidList,
   * by phone-number jid or LID, every device). Each viewer's phone takes its sender key and reads the story (or its
   * revoke); the viewers' companions and the author's other companions get it from status@broadcast, the author as
   * participant. Own companions see it only when the author listed its own jid, as on WhatsApp.
   */
  private async storyMessage(account: Account, companion: Companion, node: BinaryNode, targets: Map<string, BinaryNode[]>) {
    const skmsg = getBinaryNodeChildren(node, 'enc').find((enc) => enc.attrs.type === 'skmsg');
    const identity = getBinaryNodeChild(node, 'device-identity');
    const viewers = new Set<Account>();
    for (const jid of targets.keys()) {
      const viewer = this.net.accounts.get(jid);
      if (viewer) {
        viewers.add(viewer);
      } else {
        this.net.warn(`story for unknown device ${jid}`);
      }
    }
    for (const viewer of viewers) {
      let distributed = true;
      for (const enc of encsFor(targets, viewer, 0)) {
        const message = await this.decrypt(viewer, companion, enc);
        if (message?.senderKeyDistributionMessage) {
          await viewer.phoneDevice.processDistribution(companion.jid, message.senderKeyDistributionMessage);
        } else {
          distributed = false;
        }
      }
      if (viewer !== account && skmsg && distributed && !blockedBetween(account, viewer)) {
        try {
          const message = await viewer.phoneDevice.decryptGroup(STATUS_BROADCAST, companion.jid, skmsg.content as Uint8Array);
          const revoked =
            message.protocolMessage?.type === proto.Message.ProtocolMessage.Type.REVOKE ? message.protocolMessage.key?.id : null;
          if (revoked) {
            this.storyRevoked(viewer, account, revoked);
          } else {
            this.received(viewer, account, companion, node, message, undefined, storyStyle(message));
          }
        } catch (error) {
          this.net.warn(`${viewer.phone} could not decrypt a story`, error);
        }
      }
      for (const other of viewer.companions.values()) {
        if (other === companion || (viewer !== account && blockedBetween(account, viewer))) {
          continue;
        }
        const content = [...encsFor(targets, viewer, other.deviceId), ...(skmsg ? [skmsg] : []), ...(identity ? [identity] : [])];
        const attrs: Record<string, string> = {
          from: STATUS_BROADCAST,
          ...account.senderAttrs(companion.deviceId, 'participant'),
          id: node.attrs.id,
          t: unixNow(),
          type: node.attrs.type ?? 'text',
          notify: account.pushName,
        };
        if (node.attrs.edit) {
          attrs.edit = node.attrs.edit;
        }
        this.net.deliver(other, { tag: 'message', attrs, content });
      }
    }
  }

  private storyRevoked(viewer: Account, author: Account, messageId: string): void {
    const story = viewer.inbox.find((m) => m.id === messageId && m.from === author.phone && m.story);
    if (!story || story.revoked) {
      return;
    }
    story.revoked = true;
    this.net.emitter.emit('story-revoked', { phone: viewer.phone, from: author.phone, messageId });
  }

  /**
   * A phone that could not decrypt a companion's message asks for it again (a retry receipt), as WhatsApp's
   * phones do, up to MAX_RETRY_REQUESTS times per message; Baileys resends it on a new session, same id.
   */
  private askAgain(target: Account, companion: Companion, node: BinaryNode): void {
    const key = `${target.phone}|${companion.jid}|${node.attrs.id}`;
    const count = (this.retryRequests.get(key) ?? 0) + 1;
    if (count > MAX_RETRY_REQUESTS) return;
    this.retryRequests.set(key, count);
    // bounded: the oldest requests are forgotten first
    if (this.retryRequests.size > 10_000) this.retryRequests.delete(this.retryRequests.keys().next().value!);
    this.outbound.retryRequest(target, companion, node, count);
  }

  private async decrypt(target: Account, companion: Companion, enc: BinaryNode): Promise<proto.Message | undefined> {
    try {
      return await target.phoneDevice.decrypt(companion.jid, enc.attrs.type as EncType, enc.content as Uint8Array);
    } catch (error) {
      this.net.warn(`${target.phone} could not decrypt a message from ${companion.jid}`, error);
      return undefined;
    }
  }

  private received(
    target: Account,
    sender: Account,
    companion: Companion,
    node: BinaryNode,
    message: proto.Message,
    group?: string,
    story?: StoryStyle,
  ): void {
    // own-device copies, sender keys alone and protocol messages are not conversation content
    if (message.deviceSentMessage || message.protocolMessage || target === sender) {
      return;
    }
    const { senderKeyDistributionMessage: _skdm, messageContextInfo: _ctx, ...rest } = message.toJSON() as Record<string, unknown>;
    if (!Object.keys(rest).length) {
      return;
    }
    const id = node.attrs.id;
    if (target.inbox.some((m) => m.id === id && m.fromDevice === companion.jid)) {
      return;
    }
    const record = {
      id,
      to: target.phone,
      from: sender.phone,
      fromDevice: companion.jid,
      group,
      ...(story ? { story } : {}),
      timestamp: Date.now(),
      content: readMessage(message, this.media),
    };
    target.inbox.push(record);
    this.net.emitter.emit('message', record);
    if (this.net.options.autoDeliveryReceipts) {
      this.outbound.receipt(target, sender, [id], 'delivered', story ? STATUS_BROADCAST : group);
    }
  }

  async receipt({ account, companion }: CompanionSession, node: BinaryNode): Promise<void> {
    const { id, to, type, participant } = node.attrs;
    companion.connection?.send({
      tag: 'ack',
      attrs: { class: 'receipt', id, from: to, ...(type ? { type } : {}) },
    });
    if (type === 'retry') {
      const sender = to && /\d/.test(to.split('@')[0]) ? this.net.findAccount(to) : undefined;
      if (sender && sender !== account) {
        await this.outbound.retry(sender, companion, id, retryKeys(node, companion.registrationId));
      }
      return;
    }
    const kind = receiptKind(type);
    if (!kind) {
      return;
    }
    const ids = [id, ...childNodes(getBinaryNodeChild(node, 'list')).map((item) => item.attrs.id)];
    // a story's receipt goes to status@broadcast and names its author as participant
    const chat = isJidGroup(to) || to === STATUS_BROADCAST ? to : undefined;
    const authorJid = chat ? participant : to;
    const author = authorJid && /\d/.test(authorJid.split('@')[0]) ? this.net.findAccount(authorJid) : undefined;
    if (!author || author === account) {
      return;
    }
    if (type === 'read-self' || (type === 'read' && !chat && !sendsReadReceipts(account, author))) {
      // read on this account's devices only: read receipts are off (a client that knew would send read-self)
      return;
    }
    for (const messageId of ids) {
      const event = { phone: author.phone, messageId, type: kind, by: companion.jid };
      author.receipts.push(event);
      this.net.emitter.emit('receipt', event);
    }
    this.outbound.receipt(account, author, ids, kind, chat);
  }

  async presence({ account, companion }: CompanionSession, node: BinaryNode): Promise<void> {
    if (node.tag === 'chatstate') {
      const state = childNodes(node)[0];
      const to = node.attrs.to;
      if (state && to && isJidGroup(to)) {
        return this.groupChatState(account, companion, to, state);
      }
      const target = to && this.net.findAccount(to);
      if (!state || !target || blockedBetween(account, target)) {
        return;
      }
      const name = state.attrs.media === 'audio' ? 'recording' : state.tag;
      this.net.emitter.emit('presence', { phone: account.phone, deviceJid: companion.jid, state: name, to: target.jid });
      for (const other of target.companions.values()) {
        this.net.sendIfOnline(other, { tag: 'chatstate', attrs: { from: account.wireJid() }, content: [state] });
      }
      return;
    }
    const { type, to } = node.attrs;
    if (type === 'subscribe' && to) {
      const target = this.net.findAccount(to);
      if (target) {
        companion.connection?.send(this.outbound.presenceNode(target, account));
      }
      return;
    }
    if (node.attrs.name) {
      // the push name, sent with presence (and alone when it changes)
      account.pushName = node.attrs.name;
    }
    if (type === 'available' || type === 'unavailable') {
      account.presence = { state: type, lastSeen: Math.floor(Date.now() / 1000) };
      this.net.emitter.emit('presence', { phone: account.phone, deviceJid: companion.jid, state: type });
    }
  }

  /** A companion's chat state in a group goes to the other members' devices; to a group it is not in, it is dropped with a warning. */
  private groupChatState(account: Account, companion: Companion, groupJid: string, state: BinaryNode): void {
    const group = this.net.groups.get(groupJid);
    if (!group?.participants.has(account.jid)) {
      this.net.warn(`chat state from ${account.phone} to ${groupJid}, a group it is not in`);
      return;
    }
    const name = state.attrs.media === 'audio' ? 'recording' : state.tag;
    this.net.emitter.emit('presence', { phone: account.phone, deviceJid: companion.jid, state: name, to: group.jid });
    if (name === 'composing' || name === 'paused' || name === 'recording') this.outbound.groupChatState(account, group, name);
  }
}

/** A text story's background colour (`#AARRGGBB`) and font, as its author chose them. */
function storyStyle(message: proto.Message): StoryStyle {
  const text = message.extendedTextMessage;
  const style: StoryStyle = {};
  if (typeof text?.backgroundArgb === 'number') {
    style.background = `#${(text.backgroundArgb >>> 0).toString(16).padStart(8, '0').toUpperCase()}`;
  }
  if (typeof text?.font === 'number') {
    style.font = text.font;
  }
  return style;
}

/** The encs a message carried for one device of an account, addressed by phone-number jid or by LID. */
function encsFor(targets: Map<string, BinaryNode[]>, account: Account, deviceId: number): BinaryNode[] {
  return targets.get(account.deviceJid(deviceId)) ?? targets.get(account.lid(deviceId)) ?? [];
}

function receiptKind(type: string | undefined): ReceiptType | undefined {
  switch (type) {
    case undefined:
    case 'inactive':
      return 'delivered';
    case 'read':
    case 'read-self':
      return 'read';
    case 'played':
    case 'played-self':
      return 'played';
    default:
      // peer_msg, hist_sync, sender, retry: device-to-device bookkeeping
      return undefined;
  }
}

/** The fresh pre-key bundle a companion attaches to its second and later retry receipts. */
function retryKeys(node: BinaryNode, fallbackRegistration: number): PreKeyBundle | undefined {
  const keys = getBinaryNodeChild(node, 'keys');
  const identity = childBuffer(keys, 'identity');
  const skey = keys && getBinaryNodeChild(keys, 'skey');
  if (!identity || !skey) {
    return undefined;
  }
  const key = getBinaryNodeChild(keys, 'key');
  const registration = childBuffer(node, 'registration');
  return {
    registrationId: registration ? readUintBE(registration) : fallbackRegistration,
    identityKey: identity,
    signedPreKey: {
      keyId: readUintBE(childBuffer(skey, 'id')),
      publicKey: childBuffer(skey, 'value')!,
      signature: childBuffer(skey, 'signature')!,
    },
    preKey: key ? { keyId: readUintBE(childBuffer(key, 'id')), publicKey: childBuffer(key, 'value')! } : undefined,
  };
}
