import { z } from 'zod';
import type { GroupAuthor, GroupChanges, GroupCommunity } from '../../engine/ports/session-events';
import { phoneOf } from '../whatsapp/jid';
import { EXAMPLE_AT } from '../events/event-examples';
import { defineEvents, EventObjectDefinition, PayloadsOf } from '../events/event-payloads';
import { groupSchema, participantSchema } from './groups.contracts';

/**
 * The group.* events: their payloads, what they mean, an example of each. The payloads: what WhatsApp announced about a group this account is in, in the API's
 * shapes (a group as GET …/groups/{groupId} shows it, participants with phone and LID). Nothing is kept
 * between events, so an update carries what changed, never a "before".
 */

const groupId = z.string().describe('The group JID (`…@g.us`).');

const authorSchema = z
  .object({
    id: z.string().describe('As the group names them (a LID in LID-addressed groups).'),
    phone: z.string().nullable().describe('E.164, when WhatsApp shares it.'),
  })
  .nullable()
  .describe('Who made the change; null when WhatsApp does not say.');

const policy = z.enum(['admins', 'anyone']);

/**
 * How a payload marks a community and the groups linked to one: both fields are there when the group is a
 * community or in one (as far as the channel has seen the group), and absent for a plain group.
 */
const communityMark = {
  is_community: z.boolean().optional().describe('The group is a community (the parent of other groups). Absent for a plain group.'),
  community_id: z
    .string()
    .nullable()
    .optional()
    .describe(
      'The community the group is linked to (its announcement group included); null for a community itself. Absent for a plain group.',
    ),
};

/** Published once, as `EventGroup`, and embedded by group.created. */
export const GROUP_EVENT_OBJECTS: Record<string, EventObjectDefinition> = {
  EventGroup: {
    schema: groupSchema,
    title: 'The group object',
    anchor: 'the-group-object',
    intro: 'A group as `GET /v1/channels/{channelId}/groups/{groupId}` presents it.',
  },
};

const groupCreatedPayload = z.object({
  group_id: groupId,
  reason: z
    .enum(['created', 'added'])
    .describe('`created`: this account created the group; `added`: someone added this account (or let it in, or it joined by link).'),
  author: authorSchema,
  group: groupSchema,
});

const groupUpdatedPayload = z.object({
  group_id: groupId,
  ...communityMark,
  author: authorSchema,
  changed: z
    .array(z.enum(['subject', 'description', 'settings', 'ephemeral_seconds', 'icon', 'invite_code', 'community_id']))
    .describe('What changed; only those fields are in `changes`.'),
  changes: z.object({
    subject: z.string().optional(),
    description: z.string().nullable().optional().describe('null: removed.'),
    settings: z
      .object({
        send_messages: policy.optional(),
        edit_group_info: policy.optional(),
        add_participants: policy.optional(),
        approve_participants: policy.optional(),
      })
      .optional()
      .describe('The settings that changed, with their new policy.'),
    ephemeral_seconds: z.number().int().optional().describe('The new disappearing-messages timer; 0 is off.'),
    icon: z.enum(['set', 'removed']).optional(),
    invite_code: z.literal('revoked').optional().describe('The invite link was revoked (WhatsApp does not announce the new code).'),
    community_id: z.string().nullable().optional().describe('The group was linked to this community; null: unlinked from its community.'),
  }),
});

const participantsPayload = () =>
  z.object({
    group_id: groupId,
    ...communityMark,
    author: authorSchema,
    participants: z.array(participantSchema.omit({ rank: true })).describe('The people concerned, with phone (when shared) and LID.'),
  });

const EXAMPLE_GROUP_ID = '120363041234567890@g.us';
const EXAMPLE_LID = '204812345678901@lid';
const EXAMPLE_AUTHOR = { id: '198765432109876@lid', phone: '+15557654321' };
const EXAMPLE_MEMBER = { id: EXAMPLE_LID, phone: '+15551234567', lid: EXAMPLE_LID };

export const GROUP_EVENTS = defineEvents({
  'group.created': {
    schema: groupCreatedPayload,
    summary: 'The account is in a new group: it created it (`reason: created`), or was added to it or let in (`reason: added`).',
    cause: 'None (WhatsApp announces it on its own, also for groups created through this API).',
    example: {
      group_id: EXAMPLE_GROUP_ID,
      reason: 'added',
      author: EXAMPLE_AUTHOR,
      group: {
        id: EXAMPLE_GROUP_ID,
        subject: 'Weekend',
        description: null,
        owner: EXAMPLE_AUTHOR.id,
        owner_phone: EXAMPLE_AUTHOR.phone,
        created_at: EXAMPLE_AT,
        settings: { send_messages: 'anyone', edit_group_info: 'anyone', add_participants: 'anyone', approve_participants: 'anyone' },
        ephemeral_seconds: 0,
        size: 2,
        addressing_mode: 'lid',
        is_community: false,
        is_community_announcement: false,
        community_id: null,
        participants: [
          { ...EXAMPLE_MEMBER, id: EXAMPLE_AUTHOR.id, phone: EXAMPLE_AUTHOR.phone, lid: EXAMPLE_AUTHOR.id, rank: 'creator' },
          { ...EXAMPLE_MEMBER, rank: 'member' },
        ],
      },
    },
  },
  'group.updated': {
    schema: groupUpdatedPayload,
    summary:
      "A group's subject, description, settings, disappearing-messages timer or icon changed, its invite link was revoked, or it was linked to a community or unlinked (`community_id`); only what changed is sent. Reading or listing groups never sends it.",
    cause: 'None (WhatsApp announces each change to every member, whoever made it).',
    example: { group_id: EXAMPLE_GROUP_ID, author: EXAMPLE_AUTHOR, changed: ['subject'], changes: { subject: 'Long weekend' } },
  },
  'group.participant_added': {
    schema: participantsPayload(),
    summary: 'People joined a group the account is in (added, approved, or by link).',
    cause: 'None.',
    example: { group_id: EXAMPLE_GROUP_ID, author: EXAMPLE_AUTHOR, participants: [EXAMPLE_MEMBER] },
  },
  'group.participant_removed': {
    schema: participantsPayload(),
    summary:
      'People left a group the account is in, or were removed (the account itself included). Removed from a community, they leave each of its groups: one event per group, each marked with `community_id`.',
    cause: 'None.',
    example: {
      group_id: EXAMPLE_GROUP_ID,
      is_community: false,
      community_id: '120363049876543210@g.us',
      author: EXAMPLE_AUTHOR,
      participants: [EXAMPLE_MEMBER],
    },
  },
  'group.admin_promoted': {
    schema: participantsPayload(),
    summary: 'Members of a group were made admins.',
    cause: 'None.',
    example: { group_id: EXAMPLE_GROUP_ID, author: EXAMPLE_AUTHOR, participants: [EXAMPLE_MEMBER] },
  },
  'group.admin_demoted': {
    schema: participantsPayload(),
    summary: 'Admins of a group were made members again.',
    cause: 'None.',
    example: { group_id: EXAMPLE_GROUP_ID, author: EXAMPLE_AUTHOR, participants: [EXAMPLE_MEMBER] },
  },
});

declare module '../events/event-payloads' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds this module's payloads
  interface EventPayloads extends PayloadsOf<typeof GROUP_EVENTS> {}
}

export function toAuthor(author: GroupAuthor | null) {
  return author ? { id: author.jid, phone: author.phoneJid ? phoneOf(author.phoneJid) : phoneOf(author.jid) } : null;
}

/** The engine's changes in the API's terms: only what changed, and the list of it. */
export function toGroupChanges(changes: GroupChanges) {
  const anyoneUnless = (admins: boolean) => (admins ? ('admins' as const) : ('anyone' as const));
  const settings = {
    ...(changes.announce !== undefined ? { send_messages: anyoneUnless(changes.announce) } : {}),
    ...(changes.restrict !== undefined ? { edit_group_info: anyoneUnless(changes.restrict) } : {}),
    ...(changes.memberAddMode !== undefined ? { add_participants: anyoneUnless(changes.memberAddMode === 'admin_add') } : {}),
    ...(changes.joinApproval !== undefined ? { approve_participants: anyoneUnless(changes.joinApproval) } : {}),
  };
  const out = {
    ...(changes.subject !== undefined ? { subject: changes.subject } : {}),
    ...(changes.description !== undefined ? { description: changes.description } : {}),
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(changes.ephemeralSeconds !== undefined ? { ephemeral_seconds: changes.ephemeralSeconds } : {}),
    ...(changes.icon !== undefined ? { icon: changes.icon } : {}),
    ...(changes.inviteRevoked ? { invite_code: 'revoked' as const } : {}),
    ...(changes.communityJid !== undefined ? { community_id: changes.communityJid } : {}),
  };
  return { changed: Object.keys(out) as Array<keyof typeof out>, changes: out };
}

/** The community mark of an event's payload: nothing for a plain group (or one the channel has not seen). */
export function toCommunityMark(community: GroupCommunity | null) {
  return community && (community.isCommunity || community.communityJid)
    ? { is_community: community.isCommunity, community_id: community.communityJid }
    : {};
}
