import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const phone = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');

export class SandboxCreateNewsletterDto extends createZodDto(
  z.object({
    from: phone.describe('The simulated contact creating it (its owner), E.164.'),
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2048).optional(),
  }),
) {}

export class SandboxNewsletterDto extends createZodDto(
  z.object({
    newsletter_id: z.string().describe('The newsletter JID (`…@newsletter`).'),
    name: z.string(),
    owner: z.string().describe('The owner, E.164.'),
    invite_code: z.string().describe('The code of its https://whatsapp.com/channel/ link.'),
    followers: z.array(z.string()).describe('Followers as the simulated network holds them, E.164.'),
  }),
) {}

export class SandboxNewsletterFollowDto extends createZodDto(
  z.object({ from: phone.describe('The simulated contact following it, E.164.') }),
) {}

export class SandboxNewsletterPostDto extends createZodDto(
  z.object({
    from: phone.describe('The simulated owner or admin posting, E.164.'),
    text: z.string().min(1).max(4096),
  }),
) {}

export class SandboxNewsletterPostResultDto extends createZodDto(
  z.object({
    newsletter_id: z.string(),
    from: z.string().describe('The simulated contact, E.164.'),
    wa_message_id: z.string().describe('WhatsApp id of the post.'),
    server_id: z.number().int().describe("The newsletter's number for the post."),
  }),
) {}
