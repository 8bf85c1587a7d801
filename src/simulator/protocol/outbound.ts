import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { PreKeyBundle, SimDevice } from '../phone/sim-device';
import { type Account, type Companion, takeCompanionBundle } from '../state/accounts';
import { type Group, groupSenderAttrs } from '../state/groups';
import type { ReceiptType } from '../types';
import { blockedBetween, presenceStanza, sendsReadReceipts } from './account-ops';
import type { Network } from './network';
import { bytesNode, newMessageId, STATUS_BROADCAST, uintBE, unixNow } from './nodes';

export interface SendOptions {
  id?: string;
  /** `mediatype` attribute of the enc node, as WhatsApp sets it for media. */
  mediatype?: string;
  attrs?: Record<string, string>;
}

/** Simulated phones talking to real companions: Signal 1:1, sender keys, receipts, presence. */
export class Outbound {
  constructor(private readonly net: Network) {}

  async encryptTo(device: SimDevice, companion: Companion, message: proto.IMessage, attrs: Record<string, string> = {}) {
    const { type, ciphertext } = await device.encryptFor(companion.jid, message, () => takeCompanionBundle(companion));
    const enc: BinaryNode = { tag: 'enc', attrs: { v: '2', type, ...attrs }, content: ciphertext };
    return enc;
  }

  /** `from`'s phone sends a 1:1 message to every companion of `to`. */
  async direct(from: Account, to: Account, message: proto.IMessage, options: SendOptions = {}): Promise<string> {
    const id = options.id ?? newMessageId();
    remember(from, id, { to: to.phone, message, mediatype: options.mediatype });
    if (blockedBetween(from, to)) {
      // WhatsApp takes the message and never delivers it (one tick for the sender)
      return id;
    }
    for (const companion of to.companions.values()) {
      await this.directTo(from, companion, id, message, options);
    }
    return id;
  }

  private async directTo(from: Account, companion: Companion, id: string, message: proto.IMessage, options: SendOptions) {
    const enc = await this.encryptTo(from.phoneDevice, companion, message, options.mediatype ? { mediatype: options.mediatype } : {});
    this.net.deliver(companion, {
      tag: 'message',
      attrs: { ...from.senderAttrs(0, 'from'), id, t: unixNow(), type: 'text', notify: from.pushName, ...options.attrs },
      content: [enc],
    });
  }

  /**
   * `from`'s phone could not decrypt a message `companion` sent it (the companion encrypted with a session
   * the phone has moved past, e.g. keys restored from before the companion's last send): like WhatsApp's
   * phones, it asks that companion for the message again with a retry receipt naming the message, the
   * attempt and the phone's registration id. The companion fetches the phone's keys anew, starts a new
   * session and sends the message again under the same id.
   */
  retryRequest(from: Account, companion: Companion, message: BinaryNode, count: number): void {
    const id = message.attrs.id;
    this.net.deliver(companion, {
      tag: 'receipt',
      attrs: { from: from.wireJid(), id, type: 'retry', t: unixNow() },
      content: [
        { tag: 'retry', attrs: { count: String(count), id, t: message.attrs.t ?? unixNow(), v: '1', error: '0' } },
        bytesNode('registration', uintBE(from.phoneDevice.creds.registrationId, 4)),
      ],
    });
  }

  /**
   * A companion could not decrypt a message from `from`'s phone: the phone
   * starts a new session (from the keys in the receipt when it carries them,
   * else from the server's bundle) and sends the message again, same id.
   */
  async retry(from: Account, companion: Companion, id: string, keys: PreKeyBundle | undefined): Promise<void> {
    const sent = from.sentByPhone.get(id);
    if (!sent) {
      return;
    }
    await from.phoneDevice.dropSession(companion.jid);
    const bundle = keys ?? takeCompanionBundle(companion);
    const enc = await from.phoneDevice.encryptFor(companion.jid, sent.message, () => bundle);
    this.net.deliver(companion, {
      tag: 'message',
      attrs: { ...from.senderAttrs(0, 'from'), id, t: unixNow(), type: 'text', notify: from.pushName },
      content: [
        {
          tag: 'enc',
          attrs: { v: '2', type: enc.type, ...(sent.mediatype ? { mediatype: sent.mediatype } : {}) },
          content: enc.ciphertext,
        },
      ],
    });
  }

  /** `from`'s phone sends to a group: sender key distribution where missing, then the skmsg. */
  async group(from: Account, group: Group, message: proto.IMessage, options: SendOptions = {}): Promise<string> {
    const id = options.id ?? newMessageId();
    const t = unixNow();
    const device = from.phoneDevice;
    const { ciphertext, distribution } = await device.encryptGroup(group.jid, message);
    let holders = group.senderKeysSent.get(device.jid);
    if (!holders) {
      holders = new Set();
      group.senderKeysSent.set(device.jid, holders);
    }
    const mediaAttrs: Record<string, string> = options.mediatype ? { mediatype: options.mediatype } : {};
    for (const member of group.participants.keys()) {
      const account = this.net.accounts.get(member);
      for (const companion of account?.companions.values() ?? []) {
        const content: BinaryNode[] = [];
        if (!holders.has(companion.jid)) {
          const distributionMessage = {
            senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: distribution },
          };
          content.push(await this.encryptTo(device, companion, distributionMessage, mediaAttrs));
          holders.add(companion.jid);
        }
        content.push({ tag: 'enc', attrs: { v: '2', type: 'skmsg', ...mediaAttrs }, content: ciphertext });
        this.net.deliver(companion, {
          tag: 'message',
          attrs: { from: group.jid, ...groupSenderAttrs(group, from, 0), id, t, type: 'text', notify: from.pushName },
          content,
        });
      }
    }
    return id;
  }

  /**
   * `from`'s phone posts a story to `viewers` (its statusJidList): sent from status@broadcast with `from` as
   * participant, a fresh sender key distribution to every viewer device each time (as clients do for stories).
   */
  async story(from: Account, viewers: Account[], message: proto.IMessage, options: SendOptions = {}): Promise<string> {
    const id = options.id ?? newMessageId();
    const t = unixNow();
    const { ciphertext, distribution } = await from.phoneDevice.encryptGroup(STATUS_BROADCAST, message);
    const mediaAttrs: Record<string, string> = options.mediatype ? { mediatype: options.mediatype } : {};
    for (const viewer of new Set(viewers)) {
      if (viewer === from || blockedBetween(from, viewer)) {
        continue;
      }
      for (const companion of viewer.companions.values()) {
        const distributionMessage = {
          senderKeyDistributionMessage: { groupId: STATUS_BROADCAST, axolotlSenderKeyDistributionMessage: distribution },
        };
        const content: BinaryNode[] = [
          await this.encryptTo(from.phoneDevice, companion, distributionMessage, mediaAttrs),
          { tag: 'enc', attrs: { v: '2', type: 'skmsg', ...mediaAttrs }, content: ciphertext },
        ];
        this.net.deliver(companion, {
          tag: 'message',
          attrs: {
            from: STATUS_BROADCAST,
            ...from.senderAttrs(0, 'participant'),
            id,
            t,
            type: 'text',
            notify: from.pushName,
            ...options.attrs,
          },
          content,
        });
      }
    }
    return id;
  }

  /** `from`'s phone acknowledges messages that `to`'s companions sent (in a group, or stories: `group` is status@broadcast). */
  receipt(from: Account, to: Account, ids: string[], type: ReceiptType, group?: string): void {
    if (!ids.length || (type === 'read' && !group && !sendsReadReceipts(from, to))) {
      return;
    }
    const inGroup = group ? this.net.groups.get(group) : undefined;
    const attrs: Record<string, string> = group
      ? { from: group, participant: inGroup?.addressingMode === 'pn' ? from.jid : from.wireJid(), id: ids[0], t: unixNow() }
      : { from: from.wireJid(), id: ids[0], t: unixNow() };
    if (type !== 'delivered') {
      attrs.type = type;
    }
    const rest = ids.slice(1);
    const content: BinaryNode[] | undefined = rest.length
      ? [{ tag: 'list', attrs: {}, content: rest.map((id) => ({ tag: 'item', attrs: { id } })) }]
      : undefined;
    for (const companion of to.companions.values()) {
      this.net.deliver(companion, { tag: 'receipt', attrs, content });
    }
  }

  /** Presence and chat states are only shown to companions online right now. */
  presence(from: Account, to: Account, state: 'available' | 'unavailable' | 'composing' | 'paused' | 'recording'): void {
    let node: BinaryNode;
    if (state === 'available' || state === 'unavailable') {
      from.presence = { state, lastSeen: Math.floor(Date.now() / 1000) };
      node = this.presenceNode(from, to);
    } else {
      if (blockedBetween(from, to)) {
        return;
      }
      const child: BinaryNode = state === 'recording' ? { tag: 'composing', attrs: { media: 'audio' } } : { tag: state, attrs: {} };
      node = { tag: 'chatstate', attrs: { from: from.wireJid() }, content: [child] };
    }
    for (const companion of to.companions.values()) {
      this.net.sendIfOnline(companion, node);
    }
  }

  /**
   * `from` types, records or pauses in a group: every other member's companions online now see the chat state
   * from the group, naming `from` as participant the way the group names its members.
   */
  groupChatState(from: Account, group: Group, state: 'composing' | 'paused' | 'recording'): void {
    const child: BinaryNode = state === 'recording' ? { tag: 'composing', attrs: { media: 'audio' } } : { tag: state, attrs: {} };
    const participant = group.addressingMode === 'lid' ? from.lidJid : from.jid;
    const node: BinaryNode = { tag: 'chatstate', attrs: { from: group.jid, participant }, content: [child] };
    for (const member of group.participants.keys()) {
      if (member === from.jid) continue;
      for (const companion of this.net.accounts.get(member)?.companions.values() ?? []) this.net.sendIfOnline(companion, node);
    }
  }

  /** `account`'s presence as `viewer` is shown it (its privacy settings and blocklist apply). */
  presenceNode(account: Account, viewer?: Account): BinaryNode {
    return presenceStanza(account, viewer);
  }
}

const REMEMBERED_MESSAGES = 500;

function remember(account: Account, id: string, entry: { to: string; message: proto.IMessage; mediatype?: string }) {
  account.sentByPhone.set(id, entry);
  if (account.sentByPhone.size > REMEMBERED_MESSAGES) {
    account.sentByPhone.delete(account.sentByPhone.keys().next().value!);
  }
}
