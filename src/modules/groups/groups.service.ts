import { Injectable } from '@nestjs/common';
import { GroupSettingChange, GroupsPort, MemberAction, MemberOutcome } from '../../engine/ports/groups.port';
import { decodeCursor, PageQuery, toPage } from '../../platform/pagination';
import type { ChannelRef } from '../channels/channels.contracts';
import { isGroupJid, isJid, parseGroupJid } from '../whatsapp/jid';
import { GroupIcons } from './group-icons';
import {
  CreateGroupInput,
  GroupSettingInput,
  inviteLinkOf,
  readParticipants,
  SetIconInput,
  toApplication,
  toGroup,
  toParticipantResult,
  UpdateGroupInput,
} from './groups.contracts';

/** `PATCH …/groups/{groupId}` in WhatsApp's terms: each setting with its `admins` value. */
const SETTINGS: Record<
  'send_messages' | 'edit_group_info' | 'add_participants' | 'approve_participants',
  (admins: boolean) => GroupSettingChange
> = {
  send_messages: (admins) => ({ announce: admins }),
  edit_group_info: (admins) => ({ restrict: admins }),
  add_participants: (admins) => ({ memberAddMode: admins ? 'admin_add' : 'all_member_add' }),
  approve_participants: (admins) => ({ joinApproval: admins }),
};

/** WhatsApp lists in no stable order: pages are cut from the list sorted by JID, which the cursor names. */
const byJid = (a: { jid: string }, b: { jid: string }) => (a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0);

/**
 * Groups, live on the channel's WhatsApp socket: every call is one request (or two) to WhatsApp, nothing is
 * stored. The guard has checked the socket is open; WhatsApp's refusals come back as AppErrors from the port.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly whatsapp: GroupsPort,
    private readonly icons: GroupIcons,
  ) {}

  /** One request to WhatsApp for every group, paged here by group JID. */
  async list(channel: ChannelRef, query: PageQuery) {
    const after = decodeCursor(query.cursor, (key) => isJid(key) && isGroupJid(key));
    const groups = (await this.whatsapp.list(channel.id)).sort(byJid);
    const rest = after === undefined ? groups : groups.filter((group) => group.jid > after);
    return toPage(rest.slice(0, query.limit + 1), query.limit, toGroup, (group) => group.jid);
  }

  async get(channel: ChannelRef, groupId: string) {
    return toGroup(await this.whatsapp.get(channel.id, parseGroupJid(groupId)));
  }

  async create(channel: ChannelRef, input: CreateGroupInput) {
    const { jids, askedAs } = readParticipants(input.participants);
    const { group, outcomes } = await this.whatsapp.create(channel.id, input.subject, jids, input.description || undefined);
    const failed = outcomes.filter((outcome) => outcome.status !== 200);
    return { ...toGroup(group), failed_participants: failed.map((outcome) => toParticipantResult(outcome, 'add', askedAs(outcome.jid))) };
  }

  async join(channel: ChannelRef, inviteCode: string) {
    const accepted = await this.whatsapp.acceptInvite(channel.id, inviteCode);
    return 'joined' in accepted
      ? { group_id: accepted.joined, status: 'joined' as const }
      : { group_id: accepted.pendingApproval, status: 'pending_approval' as const };
  }

  async preview(channel: ChannelRef, inviteCode: string) {
    return toGroup(await this.whatsapp.inviteInfo(channel.id, inviteCode));
  }

  async update(channel: ChannelRef, groupId: string, input: UpdateGroupInput) {
    const jid = parseGroupJid(groupId);
    if (input.subject !== undefined) await this.whatsapp.setSubject(channel.id, jid, input.subject);
    if (input.description !== undefined) await this.whatsapp.setDescription(channel.id, jid, input.description || null);
    return this.get(channel, jid);
  }

  async changeSetting(channel: ChannelRef, groupId: string, input: GroupSettingInput) {
    const jid = parseGroupJid(groupId);
    const change: GroupSettingChange =
      input.ephemeral_seconds !== undefined
        ? { ephemeralSeconds: input.ephemeral_seconds }
        : SETTINGS[input.setting!](input.policy === 'admins');
    await this.whatsapp.changeSetting(channel.id, jid, change);
    return this.get(channel, jid);
  }

  async leave(channel: ChannelRef, groupId: string) {
    const jid = parseGroupJid(groupId);
    await this.whatsapp.leave(channel.id, jid);
    return { group_id: jid, left: true as const };
  }

  async invite(channel: ChannelRef, groupId: string) {
    const jid = parseGroupJid(groupId);
    const code = await this.whatsapp.inviteCode(channel.id, jid);
    return { group_id: jid, invite_code: code, invite_link: inviteLinkOf(code) };
  }

  async revokeInvite(channel: ChannelRef, groupId: string) {
    const jid = parseGroupJid(groupId);
    const code = await this.whatsapp.revokeInvite(channel.id, jid);
    return { group_id: jid, invite_code: code, invite_link: inviteLinkOf(code) };
  }

  /**
   * Adds people. WhatsApp refuses those whose privacy settings forbid it (403) and offers a private invitation
   * instead; with `inviteOnRefusal` it is sent to them, which is what the phone apps do.
   */
  async addParticipants(channel: ChannelRef, groupId: string, participants: string[], inviteOnRefusal: boolean) {
    const jid = parseGroupJid(groupId);
    const { jids, askedAs } = readParticipants(participants);
    const outcomes = await this.whatsapp.changeMembers(channel.id, jid, jids, 'add');
    const refused = outcomes.filter((outcome) => outcome.status === 403 && outcome.addRequest);
    const invites = new Map<string, { messageId: string; expiresAt: Date }>();
    if (inviteOnRefusal && refused.length > 0) {
      const { subject } = await this.whatsapp.get(channel.id, jid);
      for (const outcome of refused) {
        const addRequest = outcome.addRequest!;
        const messageId = await this.whatsapp.sendAddRequest(channel.id, { jid, subject }, outcome.jid, addRequest);
        invites.set(outcome.jid, { messageId, expiresAt: addRequest.expiresAt });
      }
    }
    return {
      group_id: jid,
      participants: outcomes.map((outcome) => toParticipantResult(outcome, 'add', askedAs(outcome.jid), invites.get(outcome.jid) ?? null)),
    };
  }

  /** Remove, promote or demote: one request for every participant, each answered on its own. */
  async changeParticipants(channel: ChannelRef, groupId: string, participants: string[], action: Exclude<MemberAction, 'add'>) {
    const jid = parseGroupJid(groupId);
    const { jids, askedAs } = readParticipants(participants);
    const outcomes = await this.whatsapp.changeMembers(channel.id, jid, jids, action);
    return this.results(jid, outcomes, action, askedAs);
  }

  async icon(channel: ChannelRef, groupId: string, size: 'preview' | 'image') {
    const jid = parseGroupJid(groupId);
    return { group_id: jid, url: await this.whatsapp.pictureUrl(channel.id, jid, size) };
  }

  async setIcon(channel: ChannelRef, groupId: string, input: SetIconInput) {
    const jid = parseGroupJid(groupId);
    const image = await this.icons.imageOf(channel, input);
    await this.whatsapp.setPicture(channel.id, jid, image);
    return { group_id: jid, url: await this.whatsapp.pictureUrl(channel.id, jid, 'image') };
  }

  async removeIcon(channel: ChannelRef, groupId: string) {
    const jid = parseGroupJid(groupId);
    await this.whatsapp.removePicture(channel.id, jid);
    return { group_id: jid, url: null };
  }

  /** Pending join requests: one request to WhatsApp, paged here by JID. */
  async applications(channel: ChannelRef, groupId: string, query: PageQuery) {
    const jid = parseGroupJid(groupId);
    const after = decodeCursor(query.cursor, isJid);
    const requests = (await this.whatsapp.joinRequests(channel.id, jid)).sort(byJid);
    const rest = after === undefined ? requests : requests.filter((request) => request.jid > after);
    return toPage(rest.slice(0, query.limit + 1), query.limit, toApplication, (request) => request.jid);
  }

  async answerApplications(channel: ChannelRef, groupId: string, participants: string[], answer: 'approve' | 'reject') {
    const jid = parseGroupJid(groupId);
    const { jids, askedAs } = readParticipants(participants);
    const outcomes = await this.whatsapp.answerJoinRequests(channel.id, jid, jids, answer);
    return this.results(jid, outcomes, answer, askedAs);
  }

  private results(
    groupJid: string,
    outcomes: MemberOutcome[],
    action: Parameters<typeof toParticipantResult>[1],
    askedAs: (jid: string) => string,
  ) {
    return { group_id: groupJid, participants: outcomes.map((outcome) => toParticipantResult(outcome, action, askedAs(outcome.jid))) };
  }
}
