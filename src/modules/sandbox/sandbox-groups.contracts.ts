import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const phone = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');
const from = phone.describe('The simulated contact acting, E.164.');
const phones = z
  .array(phone)
  .min(1)
  .max(64)
  .describe("Simulated phones, E.164; the channel's own number names the channel.");

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
