import { randomBytes } from 'crypto';
import type { Account } from '../state/accounts';
import { type Group, isAdmin } from '../state/groups';
import { type GroupOps, GroupRefusal, type MemberResult, type ParticipantAction } from './group-ops';
import type { Network } from './network';

/**
 * Communities on the simulated server: a community is a group marked as a parent, created with its
 * announcement group (the default sub-group, where only admins write), to which other groups are linked.
 * Permissions and notifications are the groups' (GroupOps); what is a community's own lives here: creating
 * one, creating a group inside one, linking and unlinking groups, listing them, and member changes that
 * reach the announcement group and (a removal) every linked group.
 */
export class CommunityOps {
  constructor(
    private readonly net: Network,
    private readonly groups: GroupOps,
  ) {}

  /** The community, if `account` is a member: 404 when there is none, 403 when not a member, 400 for a plain group. */
  memberOf(account: Account, communityJid: string): Group {
    const community = this.groups.memberOf(account, communityJid);
    if (!community.isCommunity) {
      throw new GroupRefusal(400, 'bad-request');
    }
    return community;
  }

  /** As `memberOf`, and an admin of it (401 otherwise). */
  adminOf(account: Account, communityJid: string): Group {
    const community = this.memberOf(account, communityJid);
    if (!isAdmin(community, account.jid)) {
      throw new GroupRefusal(401, 'not-authorized');
    }
    return community;
  }

  /**
   * `<create>` with `<parent/>`: the community, its creator its only member, and its announcement group
   * (same subject, admins only); both announced to the creator's devices by `<create>`.
   */
  create(creator: Account, subject: string, description: string | null, approvalMode: string | null): Group {
    const { group: community } = this.groups.create(creator, subject, [], (group) => {
      group.isCommunity = true;
      group.defaultMembershipApprovalMode = approvalMode;
      // people join a community through its admins
      group.memberAddMode = 'admin_add';
      if (description) {
        group.description = {
          id: randomBytes(8).toString('hex').toUpperCase(),
          body: description,
          owner: creator.jid,
          time: group.creation,
        };
      }
    });
    this.groups.create(creator, subject, [], (group) => {
      group.isDefaultSubGroup = true;
      group.linkedParent = community.jid;
      group.announce = true;
      group.memberAddMode = 'admin_add';
    });
    return community;
  }

  /** `<create>` with `<linked_parent jid/>`: a group born linked to the community, by one of its admins. */
  createGroup(account: Account, communityJid: string, subject: string, requested: string[]): { group: Group; results: MemberResult[] } {
    const community = this.adminOf(account, communityJid);
    const created = this.groups.create(account, subject, requested, (group) => {
      group.linkedParent = community.jid;
    });
    this.announceLink(community, account, created.group, 'link');
    return created;
  }

  /** `<links><link link_type="sub_group"><group jid/>`: an admin of both links an existing group. */
  link(account: Account, communityJid: string, groupJid: string): Group {
    const community = this.adminOf(account, communityJid);
    const group = this.groups.adminOf(account, groupJid);
    if (group.isCommunity) {
      throw new GroupRefusal(400, 'bad-request');
    }
    if (group.linkedParent) {
      throw new GroupRefusal(409, 'conflict');
    }
    group.linkedParent = community.jid;
    this.announceLink(community, account, group, 'link');
    return group;
  }

  /** `<unlink unlink_type="sub_group"><group jid/>`: 404 for a group not linked here; the announcement group stays (400). */
  unlink(account: Account, communityJid: string, groupJid: string): Group {
    const community = this.adminOf(account, communityJid);
    const group = this.net.groups.get(groupJid);
    if (!group || group.linkedParent !== community.jid) {
      throw new GroupRefusal(404, 'item-not-found');
    }
    if (group.isDefaultSubGroup) {
      throw new GroupRefusal(400, 'bad-request');
    }
    group.linkedParent = null;
    this.announceLink(community, account, group, 'unlink');
    return group;
  }

  /** `<sub_groups/>`: the groups linked to the community, for any of its members. */
  subGroups(account: Account, communityJid: string): Group[] {
    return this.net.groups.linkedTo(this.memberOf(account, communityJid).jid);
  }

  /** `<linked_groups_participants/>`: everyone in the community's linked groups, for its members. */
  linkedGroupsParticipants(account: Account, communityJid: string): string[] {
    const groups = this.subGroups(account, communityJid);
    return [...new Set(groups.flatMap((group) => [...group.participants.keys()]))];
  }

  /**
   * Member changes on a community. Adds and admin changes are the parent's and reach its announcement group
   * (community members read it, community admins write in it); a removal takes them out of it too, and with
   * `linked_groups="true"` out of every group linked to the community, each group announcing its own `<remove>`.
   */
  changeParticipants(
    account: Account,
    communityJid: string,
    action: ParticipantAction,
    requested: string[],
    linkedGroups = false,
  ): MemberResult[] {
    const community = this.memberOf(account, communityJid);
    const results = this.groups.changeParticipants(account, community.jid, action, requested);
    const changed = results
      .filter((result) => result.status === 200)
      .map((result) => this.net.findAccount(result.requested)!.jid)
      .filter((jid) => action === 'remove' || community.participants.has(jid));
    if (!changed.length) {
      return results;
    }
    for (const group of this.net.groups.linkedTo(community.jid)) {
      if (group.isDefaultSubGroup || (action === 'remove' && linkedGroups)) {
        this.mirror(group, account.jid, action, changed);
      }
    }
    return results;
  }

  /** `<leave><community id/>`: out of the community and its announcement group (the other groups are left one by one). */
  leave(account: Account, communityJid: string): void {
    const community = this.memberOf(account, communityJid);
    const announcement = this.net.groups.linkedTo(community.jid).find((group) => group.isDefaultSubGroup);
    this.groups.leave(account, community.jid);
    if (announcement?.participants.has(account.jid)) {
      this.groups.leave(account, announcement.jid);
    }
  }

  /** A change already made on the community, made on one of its groups too, and announced there. */
  private mirror(group: Group, actor: string, action: ParticipantAction, jids: string[]): void {
    const touched = jids.filter((jid) => {
      const role = group.participants.get(jid);
      switch (action) {
        case 'add':
          if (group.participants.has(jid)) return false;
          group.participants.set(jid, null);
          return true;
        case 'remove':
          return group.participants.delete(jid);
        case 'promote':
        case 'demote':
          if (!group.participants.has(jid) || role === 'superadmin') return false;
          group.participants.set(jid, action === 'promote' ? 'admin' : null);
          return true;
      }
    });
    if (touched.length) {
      this.groups.announceChange(group, actor, action, touched);
    }
  }

  /** `<link>` / `<unlink>` from the community to its members' devices, naming the group. */
  private announceLink(community: Group, actor: Account, group: Group, tag: 'link' | 'unlink'): void {
    const attrs: Record<string, string> =
      tag === 'link' ? { link_type: 'sub_group' } : { unlink_type: 'sub_group', unlink_reason: 'unlink_group' };
    const child = { tag, attrs, content: [{ tag: 'group', attrs: { jid: group.jid, subject: group.subject } }] };
    this.groups.nodes.notify(community, actor.jid, child, community.participants.keys());
  }
}
