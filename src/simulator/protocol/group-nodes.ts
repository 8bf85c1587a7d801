import type { BinaryNode } from '@whiskeysockets/baileys';
import { isLid } from '../state/accounts';
import type { Group } from '../state/groups';
import type { Network } from './network';

/** Groups as WhatsApp writes them on the wire: metadata, members, actors, and the w:gp2 notifications. */
export class GroupNodes {
  constructor(private readonly net: Network) {}

  /** A member as the group shows it: by LID with its phone number beside it, or the other way round. */
  participantAttrs(group: Group, jid: string): Record<string, string> {
    const account = this.net.accounts.get(jid);
    if (!account) {
      return { jid };
    }
    return group.addressingMode === 'lid' ? { jid: account.lidJid, phone_number: account.jid } : { jid: account.jid, lid: account.lidJid };
  }

  /** `lid` beside a phone-number jid, `phone_number` beside a LID: how a bulk answer names each requested member. */
  otherIdentity(jid: string): Record<string, string> {
    const account = this.net.accounts.get(jid);
    if (!account) {
      return {};
    }
    return isLid(jid) ? { phone_number: account.jid } : { lid: account.lidJid };
  }

  /** Who did something, as the group names them (notification `participant`, metadata `s_o`, `creator`). */
  actorAttrs(group: Group, jid: string, name: string, alt: string): Record<string, string> {
    const account = this.net.accounts.get(jid);
    if (!account) {
      return { [name]: jid };
    }
    return group.addressingMode === 'lid'
      ? { [name]: account.lidJid, [`${alt}_pn`]: account.jid }
      : { [name]: account.jid, [`${alt}_lid`]: account.lidJid };
  }

  /** The one jid naming an actor where WhatsApp gives no alternative beside it (picture `author`). */
  actorJid(group: Group, jid: string): string {
    const account = this.net.accounts.get(jid);
    return account ? (group.addressingMode === 'lid' ? account.lidJid : account.jid) : jid;
  }

  /**
   * `<group>` as a metadata query, the participating list and a `create` notification carry it. Flags are
   * present only when on (clients read their presence); `member_add_mode` is always there. An invite preview
   * (`withMembers: false`) gives the size without the members.
   */
  metadata(group: Group, { withMembers = true }: { withMembers?: boolean } = {}): BinaryNode {
    const content: BinaryNode[] = withMembers
      ? [...group.participants].map(([jid, role]) => ({
          tag: 'participant',
          attrs: { ...this.participantAttrs(group, jid), ...(role ? { type: role } : {}) },
        }))
      : [];
    if (group.description) {
      content.push(this.description(group));
    }
    if (group.announce) {
      content.push({ tag: 'announcement', attrs: {} });
    }
    if (group.locked) {
      content.push({ tag: 'locked', attrs: {} });
    }
    if (group.ephemeral) {
      content.push({ tag: 'ephemeral', attrs: { expiration: group.ephemeral.toString() } });
    }
    content.push({ tag: 'member_add_mode', attrs: {}, content: group.memberAddMode });
    if (group.joinApproval) {
      const join = group.isCommunity ? 'community_join' : 'group_join';
      content.push({ tag: 'membership_approval_mode', attrs: {}, content: [{ tag: join, attrs: { state: 'on' } }] });
    }
    content.push(...this.communityNodes(group));
    return {
      tag: 'group',
      attrs: {
        id: group.jid.split('@')[0],
        subject: group.subject,
        ...this.actorAttrs(group, group.subjectOwner, 's_o', 's_o'),
        s_t: group.subjectTime.toString(),
        creation: group.creation.toString(),
        ...this.actorAttrs(group, group.creator, 'creator', 'creator'),
        size: group.participants.size.toString(),
        addressing_mode: group.addressingMode,
      },
      content,
    };
  }

  /** Where a group stands in a community: the parent, its announcement group, or a group linked to it. */
  private communityNodes(group: Group): BinaryNode[] {
    const nodes: BinaryNode[] = [];
    if (group.isCommunity) {
      nodes.push({
        tag: 'parent',
        attrs: group.defaultMembershipApprovalMode ? { default_membership_approval_mode: group.defaultMembershipApprovalMode } : {},
      });
    }
    if (group.isDefaultSubGroup) {
      nodes.push({ tag: 'default_sub_group', attrs: {} });
    }
    if (group.linkedParent) {
      nodes.push({ tag: 'linked_parent', attrs: { jid: group.linkedParent } });
    }
    return nodes;
  }

  /** A linked group as a community's `<sub_groups/>` lists it (the announcement group marked `<default_sub_group/>`). */
  subGroup(group: Group): BinaryNode {
    return {
      tag: 'group',
      attrs: {
        id: group.jid.split('@')[0],
        subject: group.subject,
        creation: group.creation.toString(),
        creator: this.actorJid(group, group.creator),
        size: group.participants.size.toString(),
      },
      content: group.isDefaultSubGroup ? [{ tag: 'default_sub_group', attrs: {} }] : undefined,
    };
  }

  /** The description with its id, author and time; a removed one is `<delete/>` under its new id. */
  description(group: Group, removedId?: string): BinaryNode {
    if (!group.description) {
      return { tag: 'description', attrs: { id: removedId ?? '' }, content: [{ tag: 'delete', attrs: {} }] };
    }
    const { id, body, owner, time } = group.description;
    return {
      tag: 'description',
      attrs: { id, ...this.actorAttrs(group, owner, 'participant', 'participant'), t: time.toString() },
      content: [{ tag: 'body', attrs: {}, content: Buffer.from(body, 'utf-8') }],
    };
  }

  /** Members named in a change notification (`<add>`, `<remove>`, requests…). */
  participants(group: Group, tag: string, jids: string[], attrs: Record<string, string> = {}): BinaryNode {
    return { tag, attrs, content: jids.map((jid) => ({ tag: 'participant', attrs: this.participantAttrs(group, jid) })) };
  }

  /**
   * A w:gp2 notification from the group to every companion of `recipients` (phone-number user jids), the
   * actor named as the group names its members.
   */
  notify(group: Group, actor: string, child: BinaryNode, recipients: Iterable<string>): void {
    const attrs = { ...this.actorAttrs(group, actor, 'participant', 'participant'), addressing_mode: group.addressingMode };
    this.send(recipients, () => this.net.notification(group.jid, 'w:gp2', [child], attrs));
  }

  /** A `picture` notification: the group's icon was set or removed. */
  notifyPicture(group: Group, actor: string, recipients: Iterable<string>): void {
    const author = this.actorJid(group, actor);
    const child: BinaryNode = group.picture
      ? { tag: 'set', attrs: { jid: group.jid, id: group.picture.id, author } }
      : { tag: 'delete', attrs: { jid: group.jid, author } };
    this.send(recipients, () => this.net.notification(group.jid, 'picture', [child]));
  }

  private send(recipients: Iterable<string>, build: () => BinaryNode): void {
    for (const jid of new Set(recipients)) {
      for (const companion of this.net.accounts.get(jid)?.companions.values() ?? []) {
        this.net.deliver(companion, build());
      }
    }
  }
}
