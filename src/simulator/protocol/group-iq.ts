import { type BinaryNode, getBinaryNodeChildren, jidNormalizedUser } from '@whiskeysockets/baileys';
import { type Account, isLid } from '../state/accounts';
import type { Group, GroupRole } from '../state/groups';
import type { Network } from './network';
import { contentBuffer, firstChild, iqError, iqResult } from './nodes';

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

/** Groups as the w:g2 namespace exposes them, plus the w:gp2 notifications members get on changes. */
export class GroupIq {
  constructor(private readonly net: Network) {}

  handle(account: Account, node: BinaryNode): BinaryNode {
    const child = firstChild(node);
    const to = node.attrs.to;
    switch (child?.tag) {
      case 'create': {
        const members = getBinaryNodeChildren(child, 'participant').map((p) => this.memberJid(p.attrs.jid));
        const group = this.create(child.attrs.subject ?? '', account, members);
        return iqResult(node, [this.metadataNode(group)]);
      }
      case 'participating': {
        const groups = this.net.groups.of(account.jid).map((g) => this.metadataNode(g));
        return iqResult(node, [{ tag: 'groups', attrs: {}, content: groups }]);
      }
      case 'leave': {
        for (const ref of getBinaryNodeChildren(child, 'group')) {
          const group = this.net.groups.get(ref.attrs.id);
          if (group) {
            this.updateParticipants(group, account.jid, 'remove', [account.jid]);
          }
        }
        return iqResult(node);
      }
    }
    const group = this.net.groups.get(to);
    if (!group || !group.participants.has(account.jid)) {
      return iqError(node, 404, 'item-not-found');
    }
    switch (child?.tag) {
      case 'query':
        return iqResult(node, [this.metadataNode(group)]);
      case 'add':
      case 'remove':
      case 'promote':
      case 'demote': {
        const requested = getBinaryNodeChildren(child, 'participant').map((p) => p.attrs.jid);
        this.updateParticipants(
          group,
          account.jid,
          child.tag,
          requested.map((jid) => this.memberJid(jid)),
        );
        // each participant is answered as it was asked for, with its other identity beside it
        return iqResult(node, [
          {
            tag: child.tag,
            attrs: {},
            content: requested.map((jid) => ({ tag: 'participant', attrs: { ...this.otherIdentity(jid), jid } })),
          },
        ]);
      }
      case 'subject': {
        group.subject = contentBuffer(child)?.toString('utf-8') ?? '';
        group.subjectOwner = account.jid;
        group.subjectTime = Math.floor(Date.now() / 1000);
        this.notify(group, account.jid, [{ tag: 'subject', attrs: { subject: group.subject } }], []);
        return iqResult(node);
      }
      default:
        // a request the simulator does not model fails loudly rather than succeeding with nothing
        this.net.unhandled(`iq xmlns=w:g2 <${child?.tag ?? 'none'}>`);
        return iqError(node, 501, 'feature-not-implemented');
    }
  }

  /** A member named on the wire by phone-number jid or LID, as the phone-number user jid kept inside. */
  private memberJid(jid: string): string {
    return this.net.findAccount(jid)?.jid ?? jidNormalizedUser(jid);
  }

  /** A member as the group shows it: by LID with its phone number beside it, or the other way round. */
  private participantAttrs(group: Group, jid: string): Record<string, string> {
    const account = this.net.accounts.get(jid);
    if (!account) {
      return { jid };
    }
    return group.addressingMode === 'lid' ? { jid: account.lidJid, phone_number: account.jid } : { jid: account.jid, lid: account.lidJid };
  }

  /** `lid` beside a phone-number jid, `phone_number` beside a LID. */
  private otherIdentity(jid: string): Record<string, string> {
    const account = this.net.findAccount(jid);
    if (!account) {
      return {};
    }
    return isLid(jid) ? { phone_number: account.jid } : { lid: account.lidJid };
  }

  /** Who did something, as the group names them (notification `participant`, metadata `s_o`, `creator`). */
  private actorAttrs(group: Group, jid: string, name: string, alt: string): Record<string, string> {
    const account = this.net.accounts.get(jid);
    if (!account) {
      return { [name]: jid };
    }
    return group.addressingMode === 'lid'
      ? { [name]: account.lidJid, [`${alt}_pn`]: account.jid }
      : { [name]: account.jid, [`${alt}_lid`]: account.lidJid };
  }

  create(subject: string, creator: Account, members: string[]): Group {
    for (const member of members) {
      this.net.findAccount(member);
    }
    const group = this.net.groups.create(subject, creator.jid, members);
    this.notify(group, creator.jid, [{ tag: 'create', attrs: {}, content: [this.metadataNode(group)] }], [], (jid) => jid !== creator.jid);
    return group;
  }

  updateParticipants(group: Group, author: string, action: ParticipantAction, jids: string[]): void {
    const removed: string[] = [];
    for (const jid of jids) {
      if (action === 'add') {
        this.net.findAccount(jid);
        group.participants.set(jid, null);
      } else if (action === 'remove') {
        if (group.participants.delete(jid)) {
          removed.push(jid);
        }
      } else if (group.participants.has(jid)) {
        const role: GroupRole = action === 'promote' ? 'admin' : null;
        group.participants.set(jid, role);
      }
    }
    if (action === 'add' || action === 'remove') {
      // membership changed: every sender must hand out a fresh key before its next message
      group.senderKeysSent.clear();
    }
    const change: BinaryNode = {
      tag: action,
      attrs: {},
      content: jids.map((jid) => ({ tag: 'participant', attrs: this.participantAttrs(group, jid) })),
    };
    this.notify(group, author, [change], removed);
  }

  metadataNode(group: Group): BinaryNode {
    const content: BinaryNode[] = [...group.participants].map(([jid, role]) => ({
      tag: 'participant',
      attrs: { ...this.participantAttrs(group, jid), ...(role ? { type: role } : {}) },
    }));
    if (group.description) {
      content.push({
        tag: 'description',
        attrs: { id: group.jid.split('@')[0] },
        content: [{ tag: 'body', attrs: {}, content: Buffer.from(group.description) }],
      });
    }
    return {
      tag: 'group',
      attrs: {
        id: group.jid.split('@')[0],
        subject: group.subject,
        ...this.actorAttrs(group, group.subjectOwner, 's_o', 's_o'),
        s_t: group.subjectTime.toString(),
        creation: group.creation.toString(),
        ...this.actorAttrs(group, group.creator, 'creator', 'creator'),
        addressing_mode: group.addressingMode,
      },
      content,
    };
  }

  private notify(
    group: Group,
    author: string,
    content: BinaryNode[],
    extraRecipients: string[],
    include: (jid: string) => boolean = () => true,
  ): void {
    const recipients = new Set([...group.participants.keys(), ...extraRecipients].filter(include));
    for (const jid of recipients) {
      for (const companion of this.net.accounts.get(jid)?.companions.values() ?? []) {
        this.net.deliver(
          companion,
          this.net.notification(group.jid, 'w:gp2', content, {
            ...this.actorAttrs(group, author, 'participant', 'participant'),
            addressing_mode: group.addressingMode,
          }),
        );
      }
    }
  }
}
