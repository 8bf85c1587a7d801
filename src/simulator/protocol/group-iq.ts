import { type BinaryNode, getBinaryNodeChildren, jidNormalizedUser } from '@whiskeysockets/baileys';
import type { Account } from '../state/accounts';
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
        const members = getBinaryNodeChildren(child, 'participant').map((p) => jidNormalizedUser(p.attrs.jid));
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
        const jids = getBinaryNodeChildren(child, 'participant').map((p) => jidNormalizedUser(p.attrs.jid));
        this.updateParticipants(group, account.jid, child.tag, jids);
        return iqResult(node, [
          { tag: child.tag, attrs: {}, content: jids.map((jid) => ({ tag: 'participant', attrs: { jid } })) },
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
        return iqResult(node);
    }
  }

  create(subject: string, creator: Account, members: string[]): Group {
    for (const member of members) {
      this.net.findAccount(member);
    }
    const group = this.net.groups.create(subject, creator.jid, members);
    this.notify(
      group,
      creator.jid,
      [{ tag: 'create', attrs: {}, content: [this.metadataNode(group)] }],
      [],
      (jid) => jid !== creator.jid,
    );
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
      content: jids.map((jid) => ({ tag: 'participant', attrs: { jid } })),
    };
    this.notify(group, author, [change], removed);
  }

  metadataNode(group: Group): BinaryNode {
    const content: BinaryNode[] = [...group.participants].map(([jid, role]) => ({
      tag: 'participant',
      attrs: role ? { jid, type: role } : ({ jid } as Record<string, string>),
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
        s_o: group.subjectOwner,
        s_t: group.subjectTime.toString(),
        creation: group.creation.toString(),
        creator: group.creator,
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
        this.net.deliver(companion, this.net.notification(group.jid, 'w:gp2', content, { participant: author }));
      }
    }
  }
}
