import { randomBytes } from 'crypto';
import type { MediaHost } from '../media/media-host';
import { type Account, isLid } from '../state/accounts';
import { type Group, type GroupRole, type MemberAddMode, isAdmin, newInviteCode } from '../state/groups';
import { GroupNodes } from './group-nodes';
import type { Network } from './network';

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

export type GroupSetting =
  { announce: boolean } | { locked: boolean } | { ephemeral: number } | { memberAddMode: MemberAddMode } | { joinApproval: boolean };

/** How long the private invitation offered for a privacy-refused add stays valid. */
const ADD_REQUEST_TTL_S = 3 * 24 * 3600;

/**
 * WhatsApp's refusal of a group request, as the IQ error it answers with. Codes follow what clients expect
 * (whatsmeow's group errors): 404 item-not-found (no such group), 403 forbidden (not a member), 401
 * not-authorized (admins only), 406 not-acceptable (unknown invite code), 410 gone (revoked invite code),
 * 409 conflict (already a member, or a stale description id).
 */
export class GroupRefusal extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`${code} ${text}`);
  }
}

const refuse = {
  notFound: () => new GroupRefusal(404, 'item-not-found'),
  notMember: () => new GroupRefusal(403, 'forbidden'),
  notAdmin: () => new GroupRefusal(401, 'not-authorized'),
  unknownCode: () => new GroupRefusal(406, 'not-acceptable'),
  revokedCode: () => new GroupRefusal(410, 'gone'),
  conflict: () => new GroupRefusal(409, 'conflict'),
  badRequest: () => new GroupRefusal(400, 'bad-request'),
};

/** One member of a bulk change, answered as it was asked for. */
export interface MemberResult {
  /** The jid as the request named it. */
  requested: string;
  /** 200 when done, else WhatsApp's per-member code. */
  status: number;
  addRequest?: { code: string; expiration: number };
}

export type JoinResult = { joined: Group } | { pending: Group };

/**
 * The simulated server's group logic, shared by the companions' w:g2 requests and the control API (simulated
 * phones acting in groups): permissions, state, and the notifications every change sends to the members.
 */
export class GroupOps {
  readonly nodes: GroupNodes;

  constructor(
    private readonly net: Network,
    private readonly media: MediaHost,
  ) {
    this.nodes = new GroupNodes(net);
  }

  /** The group, if `account` is in it: 404 when there is no such group, 403 when the account is not a member. */
  memberOf(account: Account, groupJid: string): Group {
    const group = this.net.groups.get(groupJid);
    if (!group) {
      throw refuse.notFound();
    }
    if (!group.participants.has(account.jid)) {
      throw refuse.notMember();
    }
    return group;
  }

  /** The group, if `account` is one of its admins: 404, 403 as `memberOf`, then 401 for a plain member. */
  adminOf(account: Account, groupJid: string): Group {
    const group = this.memberOf(account, groupJid);
    if (!isAdmin(group, account.jid)) {
      throw refuse.notAdmin();
    }
    return group;
  }

  /** Subject, description, icon and disappearing messages: any member, or admins only once the group is locked. */
  private editorOf(account: Account, groupJid: string): Group {
    const group = this.memberOf(account, groupJid);
    if (group.locked && !isAdmin(group, account.jid)) {
      throw refuse.notAdmin();
    }
    return group;
  }

  /** `configure` shapes the new group (a community, a linked group) before its members are told of it. */
  create(
    creator: Account,
    subject: string,
    requested: string[],
    configure?: (group: Group) => void,
  ): { group: Group; results: MemberResult[] } {
    const results: MemberResult[] = [];
    const accepted: Account[] = [];
    for (const jid of requested) {
      const target = this.net.findAccount(jid);
      if (!target) {
        results.push({ requested: jid, status: 404 });
      } else if (target !== creator) {
        const refused = this.refusesAdd(target, creator);
        results.push({ requested: jid, status: refused ? 403 : 200 });
        if (!refused) accepted.push(target);
      }
    }
    const group = this.net.groups.create(
      subject,
      creator.jid,
      accepted.map((a) => a.jid),
    );
    for (const result of results.filter((r) => r.status === 403)) {
      result.addRequest = this.offerAddRequest(group, result.requested);
    }
    configure?.(group);
    // every member's devices learn of the group from `create`, the creator's own included
    this.nodes.notify(group, creator.jid, { tag: 'create', attrs: {}, content: [this.nodes.metadata(group)] }, group.participants.keys());
    return { group, results };
  }

  leave(account: Account, groupJid: string): void {
    const group = this.memberOf(account, groupJid);
    group.participants.delete(account.jid);
    group.senderKeysSent.clear();
    // WhatsApp announces a departure as the member removing itself
    this.nodes.notify(group, account.jid, this.nodes.participants(group, 'remove', [account.jid]), [
      ...group.participants.keys(),
      account.jid,
    ]);
  }

  setSubject(account: Account, groupJid: string, subject: string): void {
    const group = this.editorOf(account, groupJid);
    group.subject = subject;
    group.subjectOwner = account.jid;
    group.subjectTime = Math.floor(Date.now() / 1000);
    const child = {
      tag: 'subject',
      attrs: { subject, ...this.nodes.actorAttrs(group, account.jid, 's_o', 's_o'), s_t: group.subjectTime.toString() },
    };
    this.nodes.notify(group, account.jid, child, group.participants.keys());
  }

  /** `prev` is the description id the editor saw: a different current one means someone edited it since (409). */
  setDescription(account: Account, groupJid: string, body: string | null, prev?: string): void {
    const group = this.editorOf(account, groupJid);
    if (prev && group.description && prev !== group.description.id) {
      throw refuse.conflict();
    }
    const id = randomBytes(8).toString('hex').toUpperCase();
    group.description = body ? { id, body, owner: account.jid, time: Math.floor(Date.now() / 1000) } : null;
    this.nodes.notify(group, account.jid, this.nodes.description(group, id), group.participants.keys());
  }

  changeSetting(account: Account, groupJid: string, setting: GroupSetting): void {
    const group = 'ephemeral' in setting ? this.editorOf(account, groupJid) : this.adminOf(account, groupJid);
    // a community has no messages of its own, and its members are added through it: WhatsApp answers 400
    // to announcement and member-add-mode changes on one (whatsmeow #1232)
    if (group.isCommunity && ('announce' in setting || 'memberAddMode' in setting)) {
      throw refuse.badRequest();
    }
    let child;
    if ('announce' in setting) {
      group.announce = setting.announce;
      child = { tag: setting.announce ? 'announcement' : 'not_announcement', attrs: {} };
    } else if ('locked' in setting) {
      group.locked = setting.locked;
      child = { tag: setting.locked ? 'locked' : 'unlocked', attrs: {} };
    } else if ('ephemeral' in setting) {
      group.ephemeral = setting.ephemeral;
      child = setting.ephemeral
        ? { tag: 'ephemeral', attrs: { expiration: setting.ephemeral.toString() } }
        : { tag: 'not_ephemeral', attrs: {} };
    } else if ('memberAddMode' in setting) {
      group.memberAddMode = setting.memberAddMode;
      child = { tag: 'member_add_mode', attrs: {}, content: setting.memberAddMode };
    } else {
      group.joinApproval = setting.joinApproval;
      child = {
        tag: 'membership_approval_mode',
        attrs: {},
        content: [{ tag: 'group_join', attrs: { state: setting.joinApproval ? 'on' : 'off' } }],
      };
    }
    this.nodes.notify(group, account.jid, child, group.participants.keys());
  }

  /**
   * Add, remove, promote or demote, each requested member answered on its own: 200 done, 403 privacy refused
   * the add (with a private invitation to send instead), 409 already a member, 404 not a member / unknown.
   * Adding needs an admin unless the group lets every member add; the rest always needs an admin.
   */
  changeParticipants(account: Account, groupJid: string, action: ParticipantAction, requested: string[]): MemberResult[] {
    const group =
      action === 'add' && this.openToMemberAdds(account, groupJid) ? this.memberOf(account, groupJid) : this.adminOf(account, groupJid);
    const results: MemberResult[] = [];
    const changed: string[] = [];
    for (const jid of requested) {
      const target = this.net.findAccount(jid);
      const status = target ? this.applyChange(group, account, action, target) : 404;
      const result: MemberResult = { requested: jid, status };
      if (status === 403 && action === 'add') {
        result.addRequest = this.offerAddRequest(group, target!.jid);
      }
      if (status === 200) changed.push(target!.jid);
      results.push(result);
    }
    if (changed.length) {
      this.announceChange(group, account.jid, action, changed);
    }
    return results;
  }

  private openToMemberAdds(account: Account, groupJid: string): boolean {
    const group = this.net.groups.get(groupJid);
    return group?.memberAddMode === 'all_member_add' && group.participants.has(account.jid);
  }

  private applyChange(group: Group, actor: Account, action: ParticipantAction, target: Account): number {
    const role = group.participants.get(target.jid);
    const member = group.participants.has(target.jid);
    switch (action) {
      case 'add':
        if (member) return 409;
        if (this.refusesAdd(target, actor)) return 403;
        group.participants.set(target.jid, null);
        return 200;
      case 'remove':
        if (!member) return 404;
        // nobody removes the group's creator
        if (role === 'superadmin' && target !== actor) return 403;
        group.participants.delete(target.jid);
        return 200;
      case 'promote':
      case 'demote': {
        if (!member) return 404;
        if (role === 'superadmin') return 403;
        const next: GroupRole = action === 'promote' ? 'admin' : null;
        group.participants.set(target.jid, next);
        return 200;
      }
    }
  }

  /**
   * Members who were added learn of the group from `create`; the others see `add`. A removed member still
   * gets the `remove` that ends its membership.
   */
  announceChange(group: Group, actor: string, action: ParticipantAction, jids: string[], reason?: string): void {
    if (action === 'add' || action === 'remove') {
      // membership changed: every sender must hand out a fresh key before its next message
      group.senderKeysSent.clear();
    }
    const attrs: Record<string, string> = reason ? { reason } : {};
    const change = this.nodes.participants(group, action, jids, attrs);
    if (action === 'add') {
      const others = [...group.participants.keys()].filter((jid) => !jids.includes(jid));
      this.nodes.notify(group, actor, change, others);
      this.nodes.notify(group, actor, { tag: 'create', attrs, content: [this.nodes.metadata(group)] }, jids);
      return;
    }
    this.nodes.notify(group, actor, change, [...group.participants.keys(), ...(action === 'remove' ? jids : [])]);
  }

  inviteCode(account: Account, groupJid: string): string {
    return this.adminOf(account, groupJid).inviteCode;
  }

  /** A new code replaces the current one, which is answered 410 from now on; admins are told the new one. */
  revokeInvite(account: Account, groupJid: string): string {
    const group = this.adminOf(account, groupJid);
    group.revokedCodes.add(group.inviteCode);
    group.inviteCode = newInviteCode();
    const admins = [...group.participants.keys()].filter((jid) => isAdmin(group, jid));
    this.nodes.notify(group, account.jid, { tag: 'invite', attrs: { code: group.inviteCode } }, admins);
    return group.inviteCode;
  }

  /** The group an invite code opens: 406 for a code WhatsApp never issued, 410 for a revoked one. */
  byInviteCode(code: string): Group {
    const group = this.net.groups.byInviteCode(code);
    if (!group) {
      throw refuse.unknownCode();
    }
    if (group.inviteCode !== code) {
      throw refuse.revokedCode();
    }
    return group;
  }

  /** Joins by invite link, or asks the admins when the group wants approval. */
  joinByInvite(account: Account, code: string): JoinResult {
    const group = this.byInviteCode(code);
    if (group.participants.has(account.jid)) {
      throw refuse.conflict();
    }
    if (group.joinApproval) {
      if (!group.joinRequests.has(account.jid)) {
        group.joinRequests.set(account.jid, { method: 'invite_link', time: Math.floor(Date.now() / 1000) });
        const request = this.nodes.participants(group, 'created_membership_requests', [account.jid], { request_method: 'invite_link' });
        this.nodes.notify(group, account.jid, request, this.admins(group));
      }
      return { pending: group };
    }
    group.participants.set(account.jid, null);
    this.announceChange(group, account.jid, 'add', [account.jid], 'invite');
    return { joined: group };
  }

  /** The private invitation a privacy-refused member received (`<accept code expiration admin>`). */
  acceptAddRequest(account: Account, groupJid: string, code: string): Group {
    const group = this.net.groups.get(groupJid);
    const offered = group?.addRequests.get(account.jid);
    if (!group || !offered || offered.code !== code) {
      throw refuse.unknownCode();
    }
    if (offered.expiration < Date.now() / 1000) {
      throw refuse.revokedCode();
    }
    if (group.participants.has(account.jid)) {
      throw refuse.conflict();
    }
    group.addRequests.delete(account.jid);
    group.participants.set(account.jid, null);
    this.announceChange(group, account.jid, 'add', [account.jid], 'invite');
    return group;
  }

  joinRequests(account: Account, groupJid: string): Group {
    return this.adminOf(account, groupJid);
  }

  /** Approves (the person joins) or rejects pending requests; a jid with no request is answered 404. */
  answerJoinRequests(account: Account, groupJid: string, requested: string[], answer: 'approve' | 'reject'): MemberResult[] {
    const group = this.adminOf(account, groupJid);
    const done: string[] = [];
    const results = requested.map((jid) => {
      const target = this.net.findAccount(jid);
      if (!target || !group.joinRequests.delete(target.jid)) {
        return { requested: jid, status: 404 };
      }
      done.push(target.jid);
      return { requested: jid, status: 200 };
    });
    if (done.length && answer === 'approve') {
      done.forEach((jid) => group.participants.set(jid, null));
      this.announceChange(group, account.jid, 'add', done, 'approval');
    } else if (done.length) {
      this.nodes.notify(group, account.jid, this.nodes.participants(group, 'revoked_membership_requests', done), this.admins(group));
    }
    return results;
  }

  /** Sets (a JPEG) or removes (null) the group icon; answers the new picture id. */
  setPicture(account: Account, groupJid: string, jpeg: Buffer | null): string | undefined {
    const group = this.editorOf(account, groupJid);
    if (jpeg) {
      const stored = this.media.put(jpeg, 'pp');
      group.picture = { id: Math.floor(Date.now() / 1000).toString() + randomBytes(2).readUInt16BE(0), jpeg, ...stored };
    } else {
      group.picture = null;
    }
    this.nodes.notifyPicture(group, account.jid, group.participants.keys());
    return group.picture?.id;
  }

  /** The icon as a member sees it: 404 when there is none; a non-member is not shown it (401). */
  picture(account: Account, groupJid: string) {
    const group = this.net.groups.get(groupJid);
    if (!group) {
      throw refuse.notFound();
    }
    if (!group.participants.has(account.jid)) {
      throw refuse.notAdmin();
    }
    if (!group.picture) {
      throw refuse.notFound();
    }
    return group.picture;
  }

  /** Whether WhatsApp refuses a group message from `account` (not a member, or an announcement group's non-admin). */
  refusesMessage(group: Group, account: Account): boolean {
    return group.isCommunity || !group.participants.has(account.jid) || (group.announce && !isAdmin(group, account.jid));
  }

  /** The group a simulated phone may write in: 403 when not a member, 401 for a non-admin of an announcement group. */
  writableBy(account: Account, groupJid: string): Group {
    const group = this.memberOf(account, groupJid);
    if (group.isCommunity) {
      throw refuse.badRequest();
    }
    if (group.announce && !isAdmin(group, account.jid)) {
      throw refuse.notAdmin();
    }
    return group;
  }

  private admins(group: Group): string[] {
    return [...group.participants.keys()].filter((jid) => isAdmin(group, jid));
  }

  private refusesAdd(target: Account, adder: Account): boolean {
    switch (target.groupAddPrivacy) {
      case 'everyone':
        return false;
      case 'nobody':
        return true;
      case 'contacts':
        return !target.contacts.has(adder.jid);
    }
  }

  private offerAddRequest(group: Group, jid: string): { code: string; expiration: number } {
    const target = isLid(jid) ? this.net.accounts.get(jid) : this.net.findAccount(jid);
    const offer = { code: randomBytes(12).toString('base64url'), expiration: Math.floor(Date.now() / 1000) + ADD_REQUEST_TTL_S };
    group.addRequests.set(target?.jid ?? jid, offer);
    return offer;
  }
}
