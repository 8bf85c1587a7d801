import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const phone = z
  .string()
  .regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');

export class SandboxScanDto extends createZodDto(
  z.object({ phone_number: phone.optional().describe('The simulated phone that scans; a new one when omitted.') }),
) {}

export class SandboxPairCodeDto extends createZodDto(
  z.object({
    code: z.string().regex(/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/i, 'must be the 8-character pair code'),
    phone_number: phone.optional().describe('The phone that enters it; the one the code was requested for by default.'),
  }),
) {}

export class SandboxPhoneDto extends createZodDto(
  z.object({ channel_id: z.string(), phone_number: z.string().describe('The simulated phone, E.164.') }),
) {}
