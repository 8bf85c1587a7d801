import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { privacySchema, updatePrivacySchema } from '../privacy/privacy.contracts';

export class SandboxPrivacyDto extends createZodDto(updatePrivacySchema) {}

export class SandboxPhonePrivacyDto extends createZodDto(
  z.object({ channel_id: z.string(), phone_number: z.string().describe('The simulated phone, E.164.'), privacy: privacySchema }),
) {}

export class SandboxPhoneBlocklistDto extends createZodDto(
  z.object({
    channel_id: z.string(),
    phone_number: z.string().describe('The simulated phone, E.164.'),
    blocked: z.array(z.string()).describe('The numbers the phone has blocked, E.164.'),
  }),
) {}

export class SandboxProfileViewDto extends createZodDto(
  z.object({
    channel_id: z.string(),
    viewer: z.string().describe('The simulated contact looking, E.164.'),
    name: z.string().describe('The push name the contact sees beside messages.'),
    about: z.string().nullable().describe('null when none is set or privacy hides it from this contact.'),
    picture_url: z.string().nullable().describe('null when none is set or privacy hides it from this contact.'),
    last_seen: z.number().int().nullable().describe('Unix seconds; null when privacy hides it or the account is online.'),
    online: z.boolean(),
  }),
) {}
