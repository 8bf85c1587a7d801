import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const phone = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');
const from = phone.describe('The simulated contact acting, E.164.');
const phones = z.array(phone).min(1).max(64).describe("Simulated phones, E.164; the channel's own number names the channel.");

export class SandboxCreateCommunityDto extends createZodDto(
  z.object({
    from: from.describe('The simulated admin creating the community.'),
    subject: z.string().trim().min(1).max(100),
    description: z.string().max(2048).optional(),
    participants: phones.optional().describe('Other members besides the channel (which is always added).'),
    group: z
      .object({ subject: z.string().trim().min(1).max(100) })
      .optional()
      .describe('A group the admin also creates inside the community, with the channel in it.'),
  }),
) {}

export class SandboxCommunityMembersDto extends createZodDto(
  z.object({
    from: from.describe('The simulated community admin acting.'),
    action: z.enum(['add', 'remove', 'promote', 'demote']).describe('`remove` takes the people out of every group of the community too.'),
    participants: phones,
  }),
) {}

const member = z.object({ phone: z.string(), rank: z.enum(['creator', 'admin', 'member']) });

export class SandboxCommunityDto extends createZodDto(
  z.object({
    community_id: z.string().describe('The community JID (`…@g.us`).'),
    subject: z.string(),
    announcement_group_id: z.string().nullable().describe("The community's announcement group."),
    group_ids: z.array(z.string()).describe('The other groups linked to the community.'),
    participants: z.array(member).describe('Members as the simulated network holds them.'),
  }),
) {}
