import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren } from '@whiskeysockets/baileys';
import type { Account } from '../state/accounts';
import type { CommunityOps } from './community-ops';
import { type GroupOps, GroupRefusal, type GroupSetting, type MemberResult } from './group-ops';
import type { Network } from './network';
import { childNodes, contentBuffer, firstChild, iqError, iqResult } from './nodes';

export type { ParticipantAction } from './group-ops';

/**
 * The w:g2 namespace (groups) and group icons (w:profile:picture with a group target): each request read off
 * the wire, handed to GroupOps, and answered as WhatsApp answers, refusals as IQ errors.
 */
export class GroupIq {
  constructor(
    private readonly net: Network,
    private readonly ops: GroupOps,
    private readonly communities: CommunityOps,
  ) {}

  handle(account: Account, node: BinaryNode): BinaryNode {
    try {
      return this.answer(account, node);
    } catch (error) {
      if (error instanceof GroupRefusal) {
        return iqError(node, error.code, error.text);
      }
      throw error;
    }
  }

  /** `w:profile:picture` aimed at a group: set (a JPEG), remove (no content) or get its URL. */
  picture(account: Account, node: BinaryNode): BinaryNode {
    try {
      const target = node.attrs.target;
      const picture = getBinaryNodeChild(node, 'picture');
      if (node.attrs.type === 'get') {
        const stored = this.ops.picture(account, target);
        return iqResult(node, [
          {
            tag: 'picture',
            attrs: { id: stored.id, type: picture?.attrs.type ?? 'preview', url: stored.url, direct_path: stored.directPath },
          },
        ]);
      }
      const jpeg = contentBuffer(picture);
      const id = this.ops.setPicture(account, target, jpeg?.length ? jpeg : null);
      return iqResult(node, id ? [{ tag: 'picture', attrs: { id } }] : undefined);
    } catch (error) {
      if (error instanceof GroupRefusal) {
        return iqError(node, error.code, error.text);
      }
      throw error;
    }
  }

  private answer(account: Account, node: BinaryNode): BinaryNode {
    const child = firstChild(node);
    const ops = this.ops;
    if (node.attrs.to === '@g.us' || !node.attrs.to) {
      switch (child?.tag) {
        case 'create': {
          const requested = getBinaryNodeChildren(child, 'participant').map((p) => p.attrs.jid);
          const subject = child.attrs.subject ?? '';
          const parent = getBinaryNodeChild(child, 'parent');
          if (parent) {
            const body = contentBuffer(getBinaryNodeChild(getBinaryNodeChild(child, 'description'), 'body'))?.toString('utf-8') || null;
            const community = this.communities.create(account, subject, body, parent.attrs.default_membership_approval_mode ?? null);
            return iqResult(node, [ops.nodes.metadata(community)]);
          }
          const linkedParent = getBinaryNodeChild(child, 'linked_parent')?.attrs.jid;
          const { group, results } = linkedParent
            ? this.communities.createGroup(account, linkedParent, subject, requested)
            : ops.create(account, subject, requested);
          const metadata = ops.nodes.metadata(group);
          // members WhatsApp refused come back inside <group>, each with its error (and invitation)
          const refused = results.filter((r) => r.status !== 200).map((r) => this.memberResultNode(r));
          return iqResult(node, [{ ...metadata, content: [...childNodes(metadata), ...refused] }]);
        }
        case 'participating': {
          const groups = this.net.groups.of(account.jid).map((g) => ops.nodes.metadata(g));
          return iqResult(node, [{ tag: 'groups', attrs: {}, content: groups }]);
        }
        case 'leave':
          for (const ref of getBinaryNodeChildren(child, 'group')) {
            ops.leave(account, ref.attrs.id);
          }
          for (const ref of getBinaryNodeChildren(child, 'community')) {
            this.communities.leave(account, ref.attrs.id);
          }
          return iqResult(node);
        case 'invite': {
          const code = child.attrs.code ?? '';
          if (node.attrs.type === 'get') {
            return iqResult(node, [ops.nodes.metadata(ops.byInviteCode(code), { withMembers: false })]);
          }
          const result = ops.joinByInvite(account, code);
          return 'joined' in result
            ? iqResult(node, [{ tag: 'group', attrs: { jid: result.joined.jid } }])
            : iqResult(node, [{ tag: 'membership_approval_request', attrs: { jid: result.pending.jid } }]);
        }
      }
      return this.notModelled(node, child);
    }
    const to = node.attrs.to;
    switch (child?.tag) {
      case 'query':
        return iqResult(node, [ops.nodes.metadata(ops.memberOf(account, to))]);
      case 'add':
      case 'remove':
      case 'promote':
      case 'demote': {
        const requested = getBinaryNodeChildren(child, 'participant').map((p) => p.attrs.jid);
        const results = this.net.groups.get(to)?.isCommunity
          ? this.communities.changeParticipants(account, to, child.tag, requested, child.attrs.linked_groups === 'true')
          : ops.changeParticipants(account, to, child.tag, requested);
        return iqResult(node, [{ tag: child.tag, attrs: {}, content: results.map((r) => this.memberResultNode(r)) }]);
      }
      case 'subject':
        ops.setSubject(account, to, contentBuffer(child)?.toString('utf-8') ?? '');
        return iqResult(node);
      case 'description': {
        const body = child.attrs.delete === 'true' ? null : (contentBuffer(getBinaryNodeChild(child, 'body'))?.toString('utf-8') ?? null);
        ops.setDescription(account, to, body, child.attrs.prev);
        return iqResult(node);
      }
      case 'announcement':
      case 'not_announcement':
      case 'locked':
      case 'unlocked':
      case 'ephemeral':
      case 'not_ephemeral':
      case 'member_add_mode':
      case 'membership_approval_mode':
        ops.changeSetting(account, to, settingOf(child));
        return iqResult(node);
      case 'invite': {
        const code = node.attrs.type === 'get' ? ops.inviteCode(account, to) : ops.revokeInvite(account, to);
        return iqResult(node, [{ tag: 'invite', attrs: { code } }]);
      }
      case 'accept': {
        const group = ops.acceptAddRequest(account, to, child.attrs.code ?? '');
        return iqResult(node, [{ tag: 'group', attrs: { jid: group.jid } }]);
      }
      case 'links': {
        const link = getBinaryNodeChild(child, 'link');
        const groupJid = getBinaryNodeChild(link, 'group')?.attrs.jid;
        if (link?.attrs.link_type !== 'sub_group' || !groupJid) {
          return this.notModelled(node, link ?? child);
        }
        this.communities.link(account, to, groupJid);
        return iqResult(node);
      }
      case 'unlink': {
        const groupJid = getBinaryNodeChild(child, 'group')?.attrs.jid;
        if (child.attrs.unlink_type !== 'sub_group' || !groupJid) {
          return this.notModelled(node, child);
        }
        this.communities.unlink(account, to, groupJid);
        return iqResult(node);
      }
      case 'sub_groups': {
        const groups = this.communities.subGroups(account, to).map((group) => ops.nodes.subGroup(group));
        return iqResult(node, [{ tag: 'sub_groups', attrs: {}, content: groups }]);
      }
      case 'linked_groups_participants': {
        const community = this.net.groups.require(to);
        const members = this.communities
          .linkedGroupsParticipants(account, to)
          .map((jid) => ({ tag: 'participant', attrs: ops.nodes.participantAttrs(community, jid) }));
        return iqResult(node, [{ tag: 'linked_groups_participants', attrs: {}, content: members }]);
      }
      case 'membership_approval_requests': {
        const group = ops.joinRequests(account, to);
        const requests = [...group.joinRequests].map(([jid, request]) => ({
          tag: 'membership_approval_request',
          attrs: {
            ...ops.nodes.participantAttrs(group, jid),
            request_time: request.time.toString(),
            request_method: request.method,
          },
        }));
        return iqResult(node, [{ tag: 'membership_approval_requests', attrs: {}, content: requests }]);
      }
      case 'membership_requests_action': {
        const action = firstChild(child);
        if (action?.tag !== 'approve' && action?.tag !== 'reject') {
          return this.notModelled(node, action);
        }
        const requested = getBinaryNodeChildren(action, 'participant').map((p) => p.attrs.jid);
        const results = ops.answerJoinRequests(account, to, requested, action.tag);
        return iqResult(node, [
          {
            tag: 'membership_requests_action',
            attrs: {},
            content: [{ tag: action.tag, attrs: {}, content: results.map((r) => this.memberResultNode(r)) }],
          },
        ]);
      }
    }
    return this.notModelled(node, child);
  }

  /** A requested member in a bulk answer: as asked for, its other identity beside it, and its error if refused. */
  private memberResultNode(result: MemberResult): BinaryNode {
    const attrs = { ...this.ops.nodes.otherIdentity(result.requested), jid: result.requested };
    if (result.status === 200) {
      return { tag: 'participant', attrs };
    }
    const content = result.addRequest
      ? [{ tag: 'add_request', attrs: { code: result.addRequest.code, expiration: result.addRequest.expiration.toString() } }]
      : undefined;
    return { tag: 'participant', attrs: { ...attrs, error: result.status.toString() }, content };
  }

  /** A request the simulator does not model fails loudly rather than succeeding with nothing. */
  private notModelled(node: BinaryNode, child: BinaryNode | undefined): BinaryNode {
    this.net.unhandled(`iq xmlns=w:g2 to=${node.attrs.to} type=${node.attrs.type} <${child?.tag ?? 'none'}>`);
    return iqError(node, 501, 'feature-not-implemented');
  }
}

function settingOf(child: BinaryNode): GroupSetting {
  switch (child.tag) {
    case 'announcement':
    case 'not_announcement':
      return { announce: child.tag === 'announcement' };
    case 'locked':
    case 'unlocked':
      return { locked: child.tag === 'locked' };
    case 'ephemeral':
      return { ephemeral: Number(child.attrs.expiration ?? 0) };
    case 'not_ephemeral':
      return { ephemeral: 0 };
    case 'member_add_mode': {
      const mode = contentBuffer(child)?.toString('utf-8');
      if (mode !== 'admin_add' && mode !== 'all_member_add') throw new GroupRefusal(400, 'bad-request');
      return { memberAddMode: mode };
    }
    default: {
      // a group's approval is `<group_join>`, a community's `<community_join>`
      const mode = getBinaryNodeChild(child, 'group_join') ?? getBinaryNodeChild(child, 'community_join');
      return { joinApproval: mode?.attrs.state === 'on' };
    }
  }
}
