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
    await this.ensurePhones([from, ...participants]);
    const members = [...new Set([own, ...participants.map(digits)])].filter((phone) => phone !== digits(from));
    return toSandboxGroup(await this.network.groupCreatedBy(digits(from), subject, members));
  }

  /** `from` adds, removes, promotes or demotes members (the channel among them, by its number). */
  async changeMembers(
    ref: ChannelRef,
    groupId: string,
    from: string,
    action: 'add' | 'remove' | 'promote' | 'demote',
    participants: string[],
  ) {
    const jid = await this.existingGroup(ref, groupId);
    await this.ensurePhones(participants);
    return toSandboxGroup(await this.network.changeGroupMembersAs(digits(from), jid, action, participants.map(digits)));
  }

  /** `from` changes the subject, the description or one setting, as a member with the right to. */
  async change(ref: ChannelRef, groupId: string, input: SandboxGroupChange) {
    const jid = await this.existingGroup(ref, groupId);
    const author = digits(input.from);
    if (input.subject !== undefined) await this.network.setGroupSubjectAs(author, jid, input.subject);
    if (input.description !== undefined) await this.network.setGroupDescriptionAs(author, jid, input.description || null);
    if (input.ephemeral_seconds !== undefined) await this.network.changeGroupSettingAs(author, jid, { ephemeral: input.ephemeral_seconds });
    if (input.setting) await this.network.changeGroupSettingAs(author, jid, SIMULATOR_SETTINGS[input.setting](input.policy === 'admins'));
    return toSandboxGroup((await this.network.group(jid))!);
  }

  /** `from` opens the group's invite link: joins, or asks to when the group approves new members. */
  async apply(ref: ChannelRef, groupId: string, from: string) {
    const jid = await this.existingGroup(ref, groupId);
    await this.ensurePhones([from]);
    const { inviteCode } = (await this.network.group(jid))!;
    const { status } = await this.network.askToJoinGroup(digits(from), inviteCode);
    return { group_id: jid, from: `+${digits(from)}`, status };
  }

  /** `from` writes in the group, in the shapes of a send (without `to`). */
  async message(ref: ChannelRef, groupId: string, body: Record<string, unknown>) {
    const jid = await this.existingGroup(ref, groupId);
    const { from, ...rest } = body ?? {};
    if (typeof from !== 'string' || !/^\+?[1-9]\d{6,14}$/.test(from)) {
      throw new AppError('invalid_request', 'Invalid from: must be the E.164 number of a simulated member of the group.', {
        details: { issues: [{ path: ['from'], code: 'invalid_format', message: 'must be an E.164 phone number such as +15551234567' }] },
      });
    }
    const group = (await this.network.group(jid))!;
    if (!group.participants.some((member) => member.phone === digits(from))) {
      throw new AppError('invalid_request', 'Invalid from: not a member of the group.', {
        details: { issues: [{ path: ['from'], code: 'not_member', message: 'not a member of the group' }] },
      });
    }
    const input = parseOrThrow(sendMessageSchema, { ...rest, to: jid });
    const wire = await this.messages.contentForContact(ref, jid, input);
    const simulator = await this.network.simulator();
    const waMessageId = await simulator.sendToGroup(digits(from), jid, toSimulatorContent(wire));
    return { group_id: jid, from: `+${digits(from)}`, wa_message_id: waMessageId };
  }

  /** The group in the path, on the channel's sandbox network: not_found when the network has none. */
  private async existingGroup(ref: ChannelRef, groupId: string): Promise<string> {
    this.pairedPhone(ref);
    const jid = parseGroupJid(groupId);
    if (!(await this.network.group(jid))) throw new AppError('not_found', `The sandbox network has no group ${jid}.`);
    return jid;
  }

  private async ensurePhones(phones: string[]): Promise<void> {
    const simulator = await this.network.simulator();
    for (const phone of phones) await simulator.createPhone(digits(phone));
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
