import { Injectable } from '@nestjs/common';
import { CommunitiesPort, type CommunitySettingChange } from '../../engine/ports/communities.port';
import { GroupsPort, type MemberOutcome } from '../../engine/ports/groups.port';
import { decodeCursor, type PageQuery, toPage } from '../../platform/pagination';
import type { ChannelRef } from '../channels/channels.contracts';
import { inviteLinkOf, readParticipants, toGroup, toParticipantResult } from '../groups/groups.contracts';
import { isGroupJid, isJid, parseGroupJid } from '../whatsapp/jid';
import {
  type CommunitySettingInput,
  type CreateCommunityGroupInput,
  type CreateCommunityInput,
  notACommunity,
  parseCommunityJid,
  toCommunity,
  toSubgroup,
} from './communities.contracts';

const byJid = (a: { jid: string }, b: { jid: string }) => (a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0);

const SETTINGS: Record<CommunitySettingInput['setting'], (admins: boolean) => CommunitySettingChange> = {
  edit_group_info: (admins) => ({ restrict: admins }),
  approve_participants: (admins) => ({ joinApproval: admins }),
};

/**
 * Communities, live on the channel's WhatsApp socket. A community is a group with a parent role: what it
 * shares with a group (metadata, invite link, adding, promoting, demoting) goes through the groups port, what
 * is its own (creation, linked groups, removal from every group) through the communities port. Nothing is
 * stored; WhatsApp's refusals come back as AppErrors from the ports.
 */
@Injectable()
export class CommunitiesService {
  constructor(
    private readonly groups: GroupsPort,
    private readonly communities: CommunitiesPort,
  ) {}

  /** The communities among the account's groups: one request to WhatsApp, paged here by JID. */
  async list(channel: ChannelRef, query: PageQuery) {
    const after = decodeCursor(query.cursor, (key) => isJid(key) && isGroupJid(key));
    const communities = (await this.groups.list(channel.id)).filter((group) => group.isCommunity).sort(byJid);
    const rest = after === undefined ? communities : communities.filter((community) => community.jid > after);
    return toPage(rest.slice(0, query.limit + 1), query.limit, toGroup, (community) => community.jid);
  }

  /** The community's metadata and its groups: two requests to WhatsApp. */
  async get(channel: ChannelRef, communityId: string) {
    const jid = parseCommunityJid(communityId);
    const community = await this.groups.get(channel.id, jid);
    if (!community.isCommunity) throw notACommunity(jid);
    return toCommunity(community, await this.communities.subgroups(channel.id, jid));
  }

  async create(channel: ChannelRef, input: CreateCommunityInput) {
    const community = await this.communities.create(channel.id, input.subject, input.description ?? '');
    return toCommunity(community, await this.communities.subgroups(channel.id, community.jid));
  }

  /** A new group inside the community; people WhatsApp did not add are listed, as for a plain group. */
  async createGroup(channel: ChannelRef, communityId: string, input: CreateCommunityGroupInput) {
    const jid = parseCommunityJid(communityId);
    const { jids, askedAs } = readParticipants(input.participants ?? []);
    const { group, outcomes } = await this.communities.createGroup(channel.id, jid, input.subject, jids);
    if (input.description) await this.groups.setDescription(channel.id, group.jid, input.description);
    const failed = outcomes.filter((outcome) => outcome.status !== 200);
    const shown = input.description ? await this.groups.get(channel.id, group.jid) : group;
    return { ...toGroup(shown), failed_participants: failed.map((outcome) => toParticipantResult(outcome, 'add', askedAs(outcome.jid))) };
  }

  /** The groups linked to the community (its announcement group first marked `is_announcement`), paged by JID. */
  async subgroups(channel: ChannelRef, communityId: string, query: PageQuery) {
    const jid = parseCommunityJid(communityId);
    const after = decodeCursor(query.cursor, (key) => isJid(key) && isGroupJid(key));
    const groups = (await this.communities.subgroups(channel.id, jid)).sort(byJid);
    const rest = after === undefined ? groups : groups.filter((group) => group.jid > after);
    return toPage(rest.slice(0, query.limit + 1), query.limit, toSubgroup, (group) => group.jid);
  }

  async link(channel: ChannelRef, communityId: string, groupId: string) {
    const jid = parseCommunityJid(communityId);
    const group = parseGroupJid(groupId);
    await this.communities.link(channel.id, jid, group);
    return { community_id: jid, group_id: group, linked: true };
  }

  async unlink(channel: ChannelRef, communityId: string, groupId: string) {
    const jid = parseCommunityJid(communityId);
    const group = parseGroupJid(groupId);
    await this.communities.unlink(channel.id, jid, group);
    return { community_id: jid, group_id: group, linked: false };
  }

  /** Adds people to the community (and so to its announcement group). */
  async addParticipants(channel: ChannelRef, communityId: string, participants: string[]) {
    const jid = parseCommunityJid(communityId);
    const { jids, askedAs } = readParticipants(participants);
    return this.results(jid, await this.groups.changeMembers(channel.id, jid, jids, 'add'), 'add', askedAs);
  }

  /** Removes people from the community and from every group linked to it. */
  async removeParticipants(channel: ChannelRef, communityId: string, participants: string[]) {
    const jid = parseCommunityJid(communityId);
    const { jids, askedAs } = readParticipants(participants);
    return this.results(jid, await this.communities.removeMembers(channel.id, jid, jids), 'remove', askedAs);
  }

  async changeAdmins(channel: ChannelRef, communityId: string, participants: string[], action: 'promote' | 'demote') {
    const jid = parseCommunityJid(communityId);
    const { jids, askedAs } = readParticipants(participants);
    return this.results(jid, await this.groups.changeMembers(channel.id, jid, jids, action), action, askedAs);
  }

  async changeSetting(channel: ChannelRef, communityId: string, input: CommunitySettingInput) {
    const jid = parseCommunityJid(communityId);
    await this.communities.changeSetting(channel.id, jid, SETTINGS[input.setting](input.policy === 'admins'));
    return this.get(channel, jid);
  }

  /** A new invite link; the old one stops working. */
  async revokeInvite(channel: ChannelRef, communityId: string) {
    const jid = parseCommunityJid(communityId);
    const code = await this.groups.revokeInvite(channel.id, jid);
    return { community_id: jid, invite_code: code, invite_link: inviteLinkOf(code) };
  }

  private results(
    communityJid: string,
    outcomes: MemberOutcome[],
    action: 'add' | 'remove' | 'promote' | 'demote',
    askedAs: (jid: string) => string,
  ) {
    return {
      community_id: communityJid,
      participants: outcomes.map((outcome) => toParticipantResult(outcome, action, askedAs(outcome.jid))),
    };
  }
}
