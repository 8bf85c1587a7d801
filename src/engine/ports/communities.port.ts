/**
 * Communities on WhatsApp, over a channel's live socket. A community is a group with a parent role: its own
 * metadata is a group's (`WireGroup` with `isCommunity`), its announcement group and the groups linked to it
 * are groups whose `linkedParentJid` names it. What a community shares with a group (its metadata, invite
 * link, adding, promoting and demoting members) goes through `GroupsPort`; this port has what is a
 * community's own. Nothing is mirrored.
 */
import type { MemberOutcome, WireGroup } from './groups.port';

/** A group linked to a community, as the community lists it (`<sub_groups/>`). */
export interface WireSubgroup {
  /** `…@g.us`. */
  jid: string;
  subject: string;
  createdAt: Date | null;
  /** The creator, as WhatsApp names them; null when it does not say. */
  ownerJid: string | null;
  size: number | null;
  /** The community's announcement group (its default sub-group). */
  isAnnouncement: boolean;
}

/** Settings a community takes (WhatsApp refuses announcement and member-add-mode changes on one). */
export type CommunitySettingChange = { restrict: boolean } | { joinApproval: boolean };

export abstract class CommunitiesPort {
  /** Creates a community (WhatsApp creates its announcement group with it); answers its metadata. */
  abstract create(channelId: string, subject: string, description: string): Promise<WireGroup>;
  /** Creates a group inside the community; members WhatsApp refused come back in `outcomes`. */
  abstract createGroup(
    channelId: string,
    communityJid: string,
    subject: string,
    memberJids: string[],
  ): Promise<{ group: WireGroup; outcomes: MemberOutcome[] }>;
  /** The groups linked to the community, its announcement group among them. */
  abstract subgroups(channelId: string, communityJid: string): Promise<WireSubgroup[]>;
  abstract link(channelId: string, communityJid: string, groupJid: string): Promise<void>;
  abstract unlink(channelId: string, communityJid: string, groupJid: string): Promise<void>;
  /** Removes people from the community and from every group linked to it. */
  abstract removeMembers(channelId: string, communityJid: string, jids: string[]): Promise<MemberOutcome[]>;
  abstract changeSetting(channelId: string, communityJid: string, change: CommunitySettingChange): Promise<void>;
}
