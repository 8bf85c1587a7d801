import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const phone = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');

export class SandboxCallOfferDto extends createZodDto(
  z.object({
    from: phone.describe('The simulated contact who calls the channel.'),
    video: z.boolean().default(false),
    group: z.string().optional().describe('A group call, placed in this group (a group JID the caller and the channel are members of).'),
  }),
) {}

export class SandboxCallEndDto extends createZodDto(
  z.object({
    how: z
      .enum(['hangup', 'timeout', 'accepted_on_phone', 'rejected_on_phone', 'ended'])
      .describe(
        '`hangup`: the caller gives up before anyone answers; `timeout`: WhatsApp stops ringing; `accepted_on_phone`: ' +
          "the account's phone answers; `rejected_on_phone`: the account's phone declines it; `ended`: a call answered on the phone ends.",
      ),
  }),
) {}

export class SandboxCallDto extends createZodDto(
  z.object({
    channel_id: z.string(),
    call_id: z.string(),
    from: z.string().describe('The simulated caller, E.164.'),
  }),
) {}
