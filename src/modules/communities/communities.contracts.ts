import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { WireSubgroup } from '../../engine/ports/communities.port';
import type { WireGroup } from '../../engine/ports/groups.port';
import { AppError } from '../../platform/errors/app-error';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import { createGroupSchema, DESCRIPTION_MAX, groupSchema, participantResultSchema, SUBJECT_MAX, toGroup } from '../groups/groups.contracts';
import { parseGroupJid, phoneOf } from '../whatsapp/jid';

const timestamp = z.iso.datetime({ offset: true });
const communityId = z.string().describe('The community JID (`…@g.us`).');
const groupId = z.string().describe('The group JID (`…@g.us`).');

/** The community in a path: a group JID (a community is a group with a parent role). */
export function parseCommunityJid(value: string): string {
  return parseGroupJid(value, ['communityId']);
}

export const subgroupSchema = z
  .object({
    id: groupId,
    subject: z.string(),
    created_at: timestamp.nullable(),
    owner: z.string().nullable().describe('The creator, as WhatsApp names them; null when it does not say.'),
    owner_phone: z.string().nullable().describe("The creator's phone number (E.164), when the JID is one."),
    size: z.number().int().nullable().describe('How many members WhatsApp counts; null when it does not say.'),
    is_announcement: z.boolean().describe("The community's announcement group, where only admins write; it cannot be unlinked."),
  })
  .meta({ id: 'CommunitySubgroup' });

export const communitySchema = groupSchema
  .extend({
    announcement_group: subgroupSchema.nullable().describe('The announcement group WhatsApp created with the community.'),
    subgroups: z.array(subgroupSchema).describe('The other groups linked to the community.'),
  })
  .meta({ id: 'Community' });

export class CommunityDto extends createZodDto(topLevel(communitySchema)) {}
export class CommunityPageDto extends createZodDto(pageSchema(groupSchema)) {}
export class ListCommunitiesQueryDto extends createZodDto(pageQuerySchema) {}
export class SubgroupPageDto extends createZodDto(pageSchema(subgroupSchema)) {}

export const createCommunitySchema = z.object({
  subject: z.string().trim().min(1).max(SUBJECT_MAX),
  description: z.string().max(DESCRIPTION_MAX).optional().describe('What the community is about.'),
});
export class CreateCommunityDto extends createZodDto(createCommunitySchema) {}
export type CreateCommunityInput = z.infer<typeof createCommunitySchema>;

export const createCommunityGroupSchema = createGroupSchema.extend({
  participants: createGroupSchema.shape.participants
    .optional()
    .describe('The first members besides this account (E.164 numbers, user JIDs or LIDs); community members may also join later.'),
});
export type CreateCommunityGroupInput = z.infer<typeof createCommunityGroupSchema>;
export class CreateCommunityGroupDto extends createZodDto(createCommunityGroupSchema) {}

export class CommunityParticipantResultsDto extends createZodDto(
  z.object({ community_id: communityId, participants: z.array(participantResultSchema) }),
) {}

export class CommunityLinkDto extends createZodDto(
  z.object({
    community_id: communityId,
    group_id: groupId,
    linked: z.boolean().describe('`true`: the group is now in the community; `false`: it was unlinked (it lives on as a plain group).'),
  }),
) {}

export const communitySettingSchema = z.object({
  setting: z
    .enum(['edit_group_info', 'approve_participants'])
    .describe(
      '`edit_group_info`: who may change the subject, description and icon; `approve_participants`: whether people joining by link wait for an admin.',
    ),
  policy: z.enum(['admins', 'anyone']),
});
export class CommunitySettingDto extends createZodDto(communitySettingSchema) {}
export type CommunitySettingInput = z.infer<typeof communitySettingSchema>;

export class CommunityInviteDto extends createZodDto(
  z.object({
    community_id: communityId,
    invite_code: z.string(),
    invite_link: z.string().describe('https://chat.whatsapp.com/<invite_code>'),
  }),
) {}

export function toSubgroup(group: WireSubgroup) {
  return {
    id: group.jid,
    subject: group.subject,
    created_at: group.createdAt?.toISOString() ?? null,
    owner: group.ownerJid,
    owner_phone: group.ownerJid ? phoneOf(group.ownerJid) : null,
    size: group.size,
    is_announcement: group.isAnnouncement,
  };
}

/** A community with its groups: the announcement group apart, the others in `subgroups`. */
export function toCommunity(community: WireGroup, subgroups: WireSubgroup[]) {
  const announcement = subgroups.find((group) => group.isAnnouncement);
  return {
    ...toGroup(community),
    announcement_group: announcement ? toSubgroup(announcement) : null,
    subgroups: subgroups.filter((group) => !group.isAnnouncement).map(toSubgroup),
  };
}

/** A group JID that names a group rather than a community, where a community is expected. */
export function notACommunity(jid: string): AppError {
  return new AppError('not_found', `${jid} is a group, not a community.`, { details: { reason: 'not_a_community' } });
}
