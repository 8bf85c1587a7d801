import { z } from 'zod';
import type { GroupAuthor, GroupChanges } from '../../engine/ports/session-events';
import { phoneOf } from '../whatsapp/jid';
import { groupSchema, participantSchema } from './groups.contracts';

/**
 * The payloads of the group events: what WhatsApp announced about a group this account is in, in the API's
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

export const groupCreatedPayload = z.object({
  group_id: groupId,
  reason: z
    .enum(['created', 'added'])
    .describe('`created`: this account created the group; `added`: someone added this account (or let it in, or it joined by link).'),
  author: authorSchema,
  group: groupSchema,
});

export const groupUpdatedPayload = z.object({
  group_id: groupId,
  author: authorSchema,
  changed: z
    .array(z.enum(['subject', 'description', 'settings', 'ephemeral_seconds', 'icon', 'invite_code']))
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
  }),
});

const participantsPayload = () =>
  z.object({
    group_id: groupId,
    author: authorSchema,
    participants: z.array(participantSchema.omit({ rank: true })),
  });

export const GROUP_EVENT_PAYLOADS = {
  'group.created': groupCreatedPayload,
  'group.updated': groupUpdatedPayload,
  'group.participant_added': participantsPayload(),
  'group.participant_removed': participantsPayload(),
  'group.admin_promoted': participantsPayload(),
  'group.admin_demoted': participantsPayload(),
};

export const GROUP_EVENT_DESCRIPTIONS: Record<keyof typeof GROUP_EVENT_PAYLOADS, { summary: string; cause: string }> = {
  'group.created': {
    summary: 'The account is in a new group: it created it (`reason: created`), or was added to it or let in (`reason: added`).',
    cause: 'None: WhatsApp announces it on its own, also for groups created through this API.',
  },
  'group.updated': {
    summary:
      "A group's subject, description, settings, disappearing-messages timer or icon changed, or its invite link was revoked; only what changed is sent. Refreshing the group list never sends it.",
    cause: 'None: WhatsApp announces the change to every member, whoever made it.',
  },
  'group.participant_added': { summary: 'People joined a group the account is in (added, approved, or by link).', cause: 'None.' },
  'group.participant_removed': {
    summary: 'People left a group the account is in, or were removed (the account itself included).',
    cause: 'None.',
  },
  'group.admin_promoted': { summary: 'Members of a group were made admins.', cause: 'None.' },
  'group.admin_demoted': { summary: 'Admins of a group were made members again.', cause: 'None.' },
};

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
  };
  return { changed: Object.keys(out) as Array<keyof typeof out>, changes: out };
}
