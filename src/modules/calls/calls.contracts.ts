import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { WireCall } from '../../engine/ports/calls.port';
import { phoneOf } from '../whatsapp/jid';

/** The caller of a call, as the call events and the reject answer name it. */
export const callerSchema = z
  .object({
    jid: z.string().describe('The caller as WhatsApp named it on the call: a LID (`…@lid`) or a phone-number JID.'),
    phone_number: z.string().nullable().describe('E.164, when WhatsApp gave the number beside a LID (or the JID is one).'),
  })
  .meta({ id: 'Caller' });

export function toCaller(jid: string, phoneJid: string | null) {
  return { jid, phone_number: phoneJid ? phoneOf(phoneJid) : phoneOf(jid) };
}

export const rejectedCallSchema = z.object({
  call_id: z.string(),
  from: callerSchema,
  rejected_at: z.iso.datetime({ offset: true }),
});
export class RejectedCallDto extends createZodDto(rejectedCallSchema) {}

export function toRejectedCall(call: WireCall, at: Date) {
  return { call_id: call.callId, from: toCaller(call.fromJid, call.fromPhoneJid), rejected_at: at.toISOString() };
}
