import { Injectable } from '@nestjs/common';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import { parseGroupJid } from '../whatsapp/jid';

const RANKS = { superadmin: 'creator', admin: 'admin' } as const;

const digits = (phone: string) => phone.replace(/\D/g, '');

/**
 * Simulated contacts acting in communities with the channel (test keys only): an admin creates a community
 * with the channel in it, adds or removes people. WhatsApp then tells the channel, as it would of a real one.
 */
@Injectable()
export class SandboxCommunitiesService {
  constructor(private readonly network: SandboxNetwork) {}

  /** `from` creates a community with the channel (and `participants`) in it, and optionally a group inside it. */
  async create(
    ref: ChannelRef,
    input: { from: string; subject: string; description?: string; participants?: string[]; group?: { subject: string } },
  ) {
    const own = digits(this.pairedPhone(ref));
    const admin = digits(input.from);
    await this.ensurePhones([input.from, ...(input.participants ?? [])]);
    const members = [...new Set([own, ...(input.participants ?? []).map(digits)])].filter((phone) => phone !== admin);
    const community = await this.network.communityCreatedBy(admin, input.subject, input.description ?? null, members);
    if (input.group) await this.network.communityGroupCreatedBy(admin, community.id, input.group.subject, [own]);
    return toSandboxCommunity((await this.network.community(community.id))!);
  }

  /** `from`, a community admin, adds, removes, promotes or demotes members (the channel among them, by its number). */
  async changeMembers(
    ref: ChannelRef,
    communityId: string,
    from: string,
    action: 'add' | 'remove' | 'promote' | 'demote',
    participants: string[],
  ) {
    this.pairedPhone(ref);
    const jid = parseGroupJid(communityId, ['communityId']);
    if (!(await this.network.community(jid))) throw new AppError('not_found', `The sandbox network has no community ${jid}.`);
    await this.ensurePhones(participants);
    return toSandboxCommunity(await this.network.changeCommunityMembersAs(digits(from), jid, action, participants.map(digits)));
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

type SandboxCommunity = NonNullable<Awaited<ReturnType<SandboxNetwork['community']>>>;

function toSandboxCommunity(community: SandboxCommunity) {
  return {
    community_id: community.id,
    subject: community.subject,
    announcement_group_id: community.announcementGroup,
    group_ids: community.groups,
    participants: community.participants.map((member) => ({
      phone: `+${member.phone}`,
      rank: member.admin ? RANKS[member.admin] : ('member' as const),
    })),
  };
}
