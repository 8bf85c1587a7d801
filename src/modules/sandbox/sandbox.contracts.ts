import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { AcceptsUnstorableText } from '../../platform/http/validation.pipe';

const phone = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');

export class SandboxScanDto extends createZodDto(
  z.object({
    phone_number: phone.optional().describe('The simulated phone that scans; a new one when omitted.'),
    business: z.boolean().optional().describe('The phone runs the WhatsApp Business app (it has labels); unchanged when omitted.'),
  }),
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

/**
 * The body of `POST /v1/sandbox/channels/{id}/inbound`: `from` and a message in the shapes of a send, checked
 * by the service. A contact may send any text, U+0000 included: it reaches the gateway over the simulated
 * network and is stored the way real inbound messages are (see docs/messages.md), so the request's own
 * storable-text check does not apply.
 */
@AcceptsUnstorableText()
export class SandboxInboundBody {
  [field: string]: unknown;
}

export class SandboxInboundResultDto extends createZodDto(
  z.object({
    channel_id: z.string(),
    from: z.string().describe('The simulated contact, E.164.'),
    wa_message_id: z.string().describe('WhatsApp id of the message; the channel stores it under its own `id` (see GET …/messages).'),
  }),
) {}

export const sandboxOutboxQuerySchema = z.object({
  to: phone.optional().describe('Only what this simulated contact received; every contact the channel wrote to by default.'),
});
export class SandboxOutboxQueryDto extends createZodDto(sandboxOutboxQuerySchema) {}

const outboxItem = z.object({
  wa_message_id: z.string(),
  message_id: z.string().nullable().describe("The message's id in this API, when it was sent through it."),
  from: z.string(),
  to: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  type: z.string(),
  content: z
    .record(z.string(), z.unknown())
    .describe('Decrypted, in the shape of a send body (media: metadata with size and sha256 of the bytes).'),
});
export class SandboxOutboxDto extends createZodDto(z.object({ data: z.array(outboxItem) })) {}

export class SandboxReceiptDto extends createZodDto(
  z.object({
    message_id: z.string().min(1).describe('A message this channel sent.'),
    status: z.enum(['delivered', 'read']),
  }),
) {}
export class SandboxReceiptResultDto extends createZodDto(z.object({ message_id: z.string(), status: z.enum(['delivered', 'read']) })) {}
