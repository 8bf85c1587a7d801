import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { MemberOutcome, WireGroup, WireGroupMember, WireJoinRequest } from '../../engine/ports/groups.port';
import { AppError } from '../../platform/errors/app-error';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import { parseParticipant, phoneOf } from '../whatsapp/jid';

const timestamp = z.iso.datetime({ offset: true });
const groupId = z.string().describe('The group JID (`…@g.us`).');
const policy = z.enum(['admins', 'anyone']);

/** WhatsApp's limits on a group's texts (longer ones are refused by the phone apps and by WhatsApp). */
export const SUBJECT_MAX = 100;
export const DESCRIPTION_MAX = 2048;

/** The disappearing-messages timers WhatsApp offers: off, 24 hours, 7 days, 90 days. */
export const EPHEMERAL_SECONDS = [0, 86_400, 604_800, 7_776_000] as const;

export const participantSchema = z
  .object({
    id: z.string().describe('The JID the group names the member by: a LID (`…@lid`) in LID-addressed groups, else a user JID.'),
    phone: z.string().nullable().describe('E.164, when WhatsApp shares it; never a LID.'),
    lid: z.string().nullable().describe('The LID (`…@lid`), when known.'),
    rank: z.enum(['creator', 'admin', 'member']),
  })
  .meta({ id: 'GroupParticipant' });

const settingsSchema = z
  .object({
    send_messages: policy.describe('Who may send messages.'),
    edit_group_info: policy.describe('Who may change the subject, description and icon.'),
    add_participants: policy.describe('Who may add members.'),
    approve_participants: policy.describe('`admins`: people joining by link wait for an admin’s approval; `anyone`: they join at once.'),
  })
  .meta({ id: 'GroupSettings' });

export const groupSchema = z
  .object({
    id: groupId,
    subject: z.string(),
    description: z.string().nullable(),
    owner: z.string().nullable().describe('The creator, as the group names it; null when WhatsApp does not say.'),
    owner_phone: z.string().nullable().describe("The creator's phone number (E.164), when WhatsApp shares it."),
    created_at: timestamp.nullable(),
    settings: settingsSchema,
    ephemeral_seconds: z.number().int().describe('Disappearing-messages timer; 0 is off.'),
    size: z.number().int().describe('How many members WhatsApp counts.'),
    addressing_mode: z.enum(['lid', 'pn']).describe('`lid`: members are named by LID, with the phone number beside it when shared.'),
    is_community: z.boolean().describe('A community (the parent of other groups) rather than a group.'),
    is_community_announcement: z.boolean().describe("The community's announcement group."),
    community_id: z.string().nullable().describe('The community this group belongs to.'),
    participants: z.array(participantSchema).describe('Empty in an invite preview: WhatsApp does not list them there.'),
  })
  .meta({ id: 'Group' });

export class GroupDto extends createZodDto(topLevel(groupSchema)) {}
export class GroupPageDto extends createZodDto(pageSchema(groupSchema)) {}
export class ListGroupsQueryDto extends createZodDto(pageQuerySchema) {}

const participantList = z
  .array(z.string().min(1).max(64))
  .min(1)
  .max(256)
  .describe('E.164 numbers (`+15551234567`), user JIDs (`…@s.whatsapp.net`) or LIDs (`…@lid`).');

export const participantResultSchema = z
  .object({
    participant: z.string().describe('As it was given.'),
    id: z.string().describe('The JID it was read as.'),
    status: z.enum(['processed', 'failed']),
    reason: z
      .string()
      .nullable()
      .describe(
        'Why WhatsApp refused (`privacy_refused`, `already_member`, `not_member`, `not_on_whatsapp`, `recently_left`, `not_allowed`, `not_answered`, `whatsapp_<status>`); null when processed.',
      ),
    whatsapp_status: z
      .number()
      .int()
      .describe("WhatsApp's answer for this participant (200 when processed, 0 when its answer did not name them)."),
    invite: z
      .object({ message_id: z.string().describe("WhatsApp's id of the invitation message."), expires_at: timestamp })
      .nullable()
      .describe('With `invite_on_refusal`: the private invitation sent to a participant whose privacy refused the add.'),
  })
  .meta({ id: 'GroupParticipantResult' });

export class ParticipantResultsDto extends createZodDto(z.object({ group_id: groupId, participants: z.array(participantResultSchema) })) {}

export const createGroupSchema = z.object({
  subject: z.string().trim().min(1).max(SUBJECT_MAX),
  participants: participantList.describe('The first members besides this account: E.164 numbers, user JIDs or LIDs.'),
  description: z.string().max(DESCRIPTION_MAX).optional(),
});
export class CreateGroupDto extends createZodDto(createGroupSchema) {}
export type CreateGroupInput = z.infer<typeof createGroupSchema>;

export class CreatedGroupDto extends createZodDto(
  topLevel(groupSchema).extend({
    failed_participants: z
      .array(participantResultSchema)
      .describe('Participants WhatsApp did not add (privacy, not on WhatsApp…); the group exists without them.'),
  }),
) {}

const INVITE_LINK = 'https://chat.whatsapp.com/';
const INVITE_CODE = /^[A-Za-z0-9_-]{6,64}$/;

/** An invite code in a path (`…/groups/link/{inviteCode}`); anything else is invalid_request. */
export function parseInviteCode(value: string): string {
  if (INVITE_CODE.test(value)) return value;
  throw new AppError('invalid_request', 'Invalid inviteCode: not a WhatsApp invite code.', {
    details: {
      issues: [{ path: ['inviteCode'], code: 'invalid_invite_code', message: 'must be the code of a https://chat.whatsapp.com/ link' }],
    },
  });
}

export const joinGroupSchema = z.object({
  invite_code: z
    .string()
    .trim()
    .transform((value) => (value.startsWith(INVITE_LINK) ? value.slice(INVITE_LINK.length) : value))
    .pipe(z.string().regex(INVITE_CODE, 'must be an invite code or a https://chat.whatsapp.com/ link'))
    .describe('The code, or the whole invite link.'),
});
export class JoinGroupDto extends createZodDto(joinGroupSchema) {}

export class JoinedGroupDto extends createZodDto(
  z.object({
    group_id: groupId,
    status: z
      .enum(['joined', 'pending_approval'])
      .describe('`pending_approval`: the group approves new members; an admin must let this account in.'),
  }),
) {}

export const updateGroupSchema = z
  .object({
    subject: z.string().trim().min(1).max(SUBJECT_MAX).optional(),
    description: z.string().max(DESCRIPTION_MAX).nullable().optional().describe('null (or empty) removes the description.'),
  })
  .refine((v) => v.subject !== undefined || v.description !== undefined, { message: 'give subject, description or both' });
export class UpdateGroupDto extends createZodDto(updateGroupSchema) {}
export type UpdateGroupInput = z.infer<typeof updateGroupSchema>;

export const groupSettingSchema = z
  .object({
    setting: z.enum(['send_messages', 'edit_group_info', 'add_participants', 'approve_participants']).optional(),
    policy: policy.optional().describe('With `setting`: who may do it (`approve_participants`: `admins` means admins approve who joins).'),
    ephemeral_seconds: z
      .union(EPHEMERAL_SECONDS.map((seconds) => z.literal(seconds)))
      .optional()
      .describe('Instead of `setting`: disappearing messages, 0 (off), 86400 (24 h), 604800 (7 days) or 7776000 (90 days).'),
  })
  .refine(
    (v) =>
      v.ephemeral_seconds === undefined
        ? v.setting !== undefined && v.policy !== undefined
        : v.setting === undefined && v.policy === undefined,
    {
      message: 'give either setting and policy, or ephemeral_seconds',
    },
  );
export class GroupSettingDto extends createZodDto(groupSettingSchema) {}
export type GroupSettingInput = z.infer<typeof groupSettingSchema>;

export const participantsSchema = z.object({ participants: participantList });
export class ParticipantsDto extends createZodDto(participantsSchema) {}

export const addParticipantsSchema = participantsSchema.extend({
  invite_on_refusal: z
    .boolean()
    .default(false)
    .describe("Send a private invitation to a participant whose privacy settings refuse the add (WhatsApp's own fallback)."),
});
export class AddParticipantsDto extends createZodDto(addParticipantsSchema) {}

export class GroupInviteDto extends createZodDto(
  z.object({ group_id: groupId, invite_code: z.string(), invite_link: z.string().describe(`${INVITE_LINK}<invite_code>`) }),
) {}

export class LeftGroupDto extends createZodDto(z.object({ group_id: groupId, left: z.literal(true) })) {}

export const iconQuerySchema = z.object({
  size: z.enum(['preview', 'image']).default('image').describe('`preview`: the small thumbnail; `image`: the full picture.'),
});
export class IconQueryDto extends createZodDto(iconQuerySchema) {}

export const setIconSchema = z
  .object({
    media_id: z.string().min(1).max(200).optional().describe('An image from POST /v1/channels/{id}/media.'),
    source_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .describe('An image to fetch (within the plan’s media limit).'),
  })
  .refine((v) => Boolean(v.media_id) !== Boolean(v.source_url), { message: 'give exactly one of media_id and source_url' });
export class SetIconDto extends createZodDto(setIconSchema) {}
export type SetIconInput = z.infer<typeof setIconSchema>;

export class GroupIconDto extends createZodDto(
  z.object({
    group_id: groupId,
    url: z.string().nullable().describe("WhatsApp's URL of the picture (short-lived); null when the group has none."),
  }),
) {}

export const applicationSchema = z
  .object({
    id: z.string().describe('The person asking, as the group names them.'),
    phone: z.string().nullable().describe('E.164, when WhatsApp shares it.'),
    requested_at: timestamp.nullable(),
    method: z.string().nullable().describe('How they asked (`invite_link`, `linked_group_join`, …), when WhatsApp says.'),
  })
  .meta({ id: 'GroupApplication' });
export class ApplicationPageDto extends createZodDto(pageSchema(applicationSchema)) {}

const RANKS = { creator: 'creator', admin: 'admin', member: 'member' } as const;

/** A member as events name them (no rank: it is what changed, or not told). */
export function toMember(member: Omit<WireGroupMember, 'rank'>) {
  return { id: member.jid, phone: member.phoneJid ? phoneOf(member.phoneJid) : phoneOf(member.jid), lid: member.lid };
}

export function toParticipant(member: WireGroupMember) {
  return { ...toMember(member), rank: RANKS[member.rank] };
}

/** A group as the API shows it. */
export function toGroup(group: WireGroup) {
  const anyoneUnless = (admins: boolean) => (admins ? ('admins' as const) : ('anyone' as const));
  return {
    id: group.jid,
    subject: group.subject,
    description: group.description,
    owner: group.ownerJid,
    owner_phone: group.ownerPhoneJid ? phoneOf(group.ownerPhoneJid) : group.ownerJid ? phoneOf(group.ownerJid) : null,
    created_at: group.createdAt?.toISOString() ?? null,
    settings: {
      send_messages: anyoneUnless(group.announce),
      edit_group_info: anyoneUnless(group.restrict),
      add_participants: anyoneUnless(group.memberAddMode === 'admin_add'),
      approve_participants: anyoneUnless(group.joinApproval),
    },
    ephemeral_seconds: group.ephemeralSeconds,
    size: group.size,
    addressing_mode: group.addressingMode,
    is_community: group.isCommunity,
    is_community_announcement: group.isCommunityAnnounce,
    community_id: group.linkedParentJid,
    participants: group.members.map(toParticipant),
  };
}

/** WhatsApp's per-participant codes, read for the action they answer. */
function reasonOf(status: number, action: 'add' | 'remove' | 'promote' | 'demote' | 'approve' | 'reject'): string {
  if (action === 'add' && status === 403) return 'privacy_refused';
  if (action === 'add' && status === 408) return 'recently_left';
  if (action === 'add' && status === 409) return 'already_member';
  if (action === 'add' && status === 404) return 'not_on_whatsapp';
  if (status === 404) return action === 'approve' || action === 'reject' ? 'no_application' : 'not_member';
  if (status === 401 || status === 403) return 'not_allowed';
  if (status === 0) return 'not_answered';
  return `whatsapp_${status}`;
}

/** One participant's outcome as the API shows it; `asked` maps the JID back to what the client wrote. */
export function toParticipantResult(
  outcome: MemberOutcome,
  action: Parameters<typeof reasonOf>[1],
  asked: string,
  invite: { messageId: string; expiresAt: Date } | null = null,
) {
  const processed = outcome.status === 200;
  return {
    participant: asked,
    id: outcome.jid,
    status: processed ? ('processed' as const) : ('failed' as const),
    reason: processed ? null : reasonOf(outcome.status, action),
    whatsapp_status: outcome.status,
    invite: invite ? { message_id: invite.messageId, expires_at: invite.expiresAt.toISOString() } : null,
  };
}

export function toApplication(request: WireJoinRequest) {
  return {
    id: request.jid,
    phone: request.phoneJid ? phoneOf(request.phoneJid) : phoneOf(request.jid),
    requested_at: request.requestedAt?.toISOString() ?? null,
    method: request.method,
  };
}

export function inviteLinkOf(code: string): string {
  return `${INVITE_LINK}${code}`;
}

/** Participants as the client wrote them, read as JIDs, remembered so each outcome names what was asked. */
export function readParticipants(participants: string[]): { jids: string[]; askedAs: (jid: string) => string } {
  const asked = new Map<string, string>();
  const jids = participants.map((value, index) => {
    const jid = parseParticipant(value, ['participants', index]);
    asked.set(jid, value);
    return jid;
  });
  return { jids: [...new Set(jids)], askedAs: (jid) => asked.get(jid) ?? jid };
}
