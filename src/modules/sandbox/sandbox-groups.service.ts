import { Injectable } from '@nestjs/common';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import { parseOrThrow } from '../../platform/http/parse';
import type { ChannelRef } from '../channels/channels.contracts';
import { sendMessageSchema } from '../messages/messages.contracts';
import { MessagesSandboxFacade } from '../messages/messages-sandbox.facade';
import { parseGroupJid } from '../whatsapp/jid';
import type { SandboxGroupChange } from './sandbox-groups.contracts';
import { toSimulatorContent } from './sandbox-messages';

const RANKS = { superadmin: 'creator', admin: 'admin' } as const;

const digits = (phone: string) => phone.replace(/\D/g, '');

/**
 * Simulated contacts acting in groups with the channel (test keys only): what people do on their phones, so
 * that a client sees the group events without a phone of its own. WhatsApp then tells the channel, as it
 * would of a real group.
 */
@Injectable()
export class SandboxGroupsService {
  constructor(
    private readonly network: SandboxNetwork,
    private readonly messages: MessagesSandboxFacade,
  ) {}

  /** `from` creates a group with the channel (and `participants`) in it. */
  async create(ref: ChannelRef, from: string, subject: string, participants: string[] = []) {
    const own = digits(this.pairedPhone(ref));
    const simulator = await this.network.simulator();
    for (const phone of [from, ...participants]) simulator.createPhone(digits(phone));
    const members = [...new Set([own, ...participants.map(digits)])].filter((phone) => phone !== digits(from));
    return toSandboxGroup(simulator.createGroup(digits(from), subject, members));
  }

  /** `from` adds, removes, promotes or demotes members (the channel among them, by its number). */
  async changeMembers(
    ref: ChannelRef,
    groupId: string,
    from: string,
    action: 'add' | 'remove' | 'promote' | 'demote',
    participants: string[],
  ) {
    this.pairedPhone(ref);
    const jid = parseGroupJid(groupId);
    const simulator = await this.network.simulator();
    this.requireGroup(simulator.group(jid), jid);
    for (const phone of participants) simulator.createPhone(digits(phone));
    return asMember(() => toSandboxGroup(simulator.updateGroupParticipants(jid, digits(from), action, participants.map(digits))));
  }

  /** `from` changes the subject, the description or one setting, as a member with the right to. */
  async change(ref: ChannelRef, groupId: string, input: SandboxGroupChange) {
    this.pairedPhone(ref);
    const jid = parseGroupJid(groupId);
    const simulator = await this.network.simulator();
    this.requireGroup(simulator.group(jid), jid);
    const author = digits(input.from);
    return asMember(() => {
      if (input.subject !== undefined) simulator.setGroupSubject(jid, author, input.subject);
      if (input.description !== undefined) simulator.setGroupDescription(jid, author, input.description || null);
      if (input.ephemeral_seconds !== undefined) simulator.changeGroupSetting(jid, author, { ephemeral: input.ephemeral_seconds });
      if (input.setting) simulator.changeGroupSetting(jid, author, SIMULATOR_SETTINGS[input.setting](input.policy === 'admins'));
      return toSandboxGroup(simulator.group(jid)!);
    });
  }

  /** `from` opens the group's invite link: joins, or asks to when the group approves new members. */
  async apply(ref: ChannelRef, groupId: string, from: string) {
    this.pairedPhone(ref);
    const jid = parseGroupJid(groupId);
    const simulator = await this.network.simulator();
    const group = this.requireGroup(simulator.group(jid), jid);
    simulator.createPhone(digits(from));
    const { status } = asMember(() => simulator.joinGroupByInvite(digits(from), group.inviteCode));
    return { group_id: jid, from: `+${digits(from)}`, status };
  }

  /** `from` writes in the group, in the shapes of a send (without `to`). */
  async message(ref: ChannelRef, groupId: string, body: Record<string, unknown>) {
    this.pairedPhone(ref);
    const jid = parseGroupJid(groupId);
    const { from, ...rest } = body ?? {};
    if (typeof from !== 'string' || !/^\+?[1-9]\d{6,14}$/.test(from)) {
      throw new AppError('invalid_request', 'Invalid from: must be the E.164 number of a simulated member of the group.', {
        details: { issues: [{ path: ['from'], code: 'invalid_format', message: 'must be an E.164 phone number such as +15551234567' }] },
      });
    }
    const simulator = await this.network.simulator();
    const group = this.requireGroup(simulator.group(jid), jid);
    if (!group.participants.some((member) => member.phone === digits(from))) {
      throw new AppError('invalid_request', 'Invalid from: not a member of the group.', {
        details: { issues: [{ path: ['from'], code: 'not_member', message: 'not a member of the group' }] },
      });
    }
    const input = parseOrThrow(sendMessageSchema, { ...rest, to: jid });
    const wire = await this.messages.contentForContact(ref, jid, input);
    const waMessageId = await simulator.sendToGroup(digits(from), jid, toSimulatorContent(wire));
    return { group_id: jid, from: `+${digits(from)}`, wa_message_id: waMessageId };
  }

  private requireGroup<T>(group: T | undefined, jid: string): T {
    if (!group) throw new AppError('not_found', `The sandbox network has no group ${jid}.`);
    return group;
  }

  private pairedPhone(channel: ChannelRef): string {
    if (!channel.phoneNumber) {
      throw new AppError('channel_unavailable', 'The channel is not paired with a simulated phone.', {
        details: { current_state: channel.state },
      });
    }
    return channel.phoneNumber;
  }
}

const SIMULATOR_SETTINGS = {
  send_messages: (admins: boolean) => ({ announce: admins }),
  edit_group_info: (admins: boolean) => ({ locked: admins }),
  add_participants: (admins: boolean) => ({ memberAddMode: admins ? ('admin_add' as const) : ('all_member_add' as const) }),
  approve_participants: (admins: boolean) => ({ joinApproval: admins }),
};

/**
 * Runs what a simulated member does; WhatsApp's refusal of it (not a member, not an admin: the simulator
 * throws it with WhatsApp's code) is the sandbox request's mistake, answered as such.
 */
function asMember<T>(act: () => T): T {
  try {
    return act();
  } catch (error) {
    const refusal = error as { code?: unknown; text?: unknown };
    if (typeof refusal.code !== 'number' || typeof refusal.text !== 'string') throw error;
    throw new AppError('invalid_request', `WhatsApp refused the simulated member: ${refusal.text}.`, {
      details: { reason: refusal.text, whatsapp_status: refusal.code },
    });
  }
}

function toSandboxGroup(group: { id: string; subject: string; participants: { phone: string; admin: 'admin' | 'superadmin' | null }[] }) {
  return {
    group_id: group.id,
    subject: group.subject,
    participants: group.participants.map((member) => ({
      phone: `+${member.phone}`,
      rank: member.admin ? RANKS[member.admin] : ('member' as const),
    })),
  };
}
