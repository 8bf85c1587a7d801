import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const phone = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');
const from = phone.describe('The simulated contact acting, E.164.');
const phones = z.array(phone).min(1).max(64).describe("Simulated phones, E.164; the channel's own number names the channel.");

export class SandboxCreateGroupDto extends createZodDto(
  z.object({
    from,
    subject: z.string().trim().min(1).max(100),
    participants: phones.optional().describe('Other members besides the channel (which is always added).'),
  }),
) {}

export class SandboxGroupMembersDto extends createZodDto(
  z.object({
    from: from.describe('The simulated contact acting: an admin of the group, or the person leaving (`remove` of themselves).'),
    action: z.enum(['add', 'remove', 'promote', 'demote']),
    participants: phones,
  }),
) {}

const groupMember = z.object({ phone: z.string(), rank: z.enum(['creator', 'admin', 'member']) });

export class SandboxGroupDto extends createZodDto(
  z.object({
    group_id: z.string().describe('The group JID (`…@g.us`).'),
    subject: z.string(),
    participants: z.array(groupMember).describe('Members as the simulated network holds them.'),
  }),
) {}

export class SandboxGroupMessageResultDto extends createZodDto(
  z.object({
    group_id: z.string(),
    from: z.string().describe('The simulated contact, E.164.'),
    wa_message_id: z.string().describe('WhatsApp id of the message.'),
  }),
) {}

export const sandboxGroupChangeSchema = z
  .object({
    from: from.describe('The simulated member acting (an admin for what the group reserves to admins).'),
    subject: z.string().trim().min(1).max(100).optional(),
    description: z.string().max(2048).nullable().optional().describe('null removes it.'),
    setting: z.enum(['send_messages', 'edit_group_info', 'add_participants', 'approve_participants']).optional(),
    policy: z.enum(['admins', 'anyone']).optional(),
    ephemeral_seconds: z.union([z.literal(0), z.literal(86_400), z.literal(604_800), z.literal(7_776_000)]).optional(),
  })
  .refine((v) => (v.setting === undefined) === (v.policy === undefined), { message: 'give setting and policy together' })
  .refine((v) => v.subject !== undefined || v.description !== undefined || v.setting !== undefined || v.ephemeral_seconds !== undefined, {
    message: 'give something to change',
  });
export class SandboxGroupChangeDto extends createZodDto(sandboxGroupChangeSchema) {}
export type SandboxGroupChange = z.infer<typeof sandboxGroupChangeSchema>;

export class SandboxGroupApplyDto extends createZodDto(
  z.object({ from: from.describe('The simulated contact opening the invite link.') }),
) {}

export class SandboxGroupApplyResultDto extends createZodDto(
  z.object({
    group_id: z.string(),
    from: z.string(),
    status: z.enum(['joined', 'pending_approval']).describe('`pending_approval` when the group approves new members.'),
  }),
) {}
