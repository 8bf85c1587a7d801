import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const PRESENCES = ['online', 'offline', 'typing', 'recording', 'paused'] as const;

export class SetOwnPresenceDto extends createZodDto(
  z.object({ presence: z.enum(['online', 'offline']).describe("The channel's own presence, as its contacts see it.") }),
) {}

export class ChatStateDto extends createZodDto(
  z.object({ presence: z.enum(['typing', 'recording', 'paused']).describe('`recording`: recording a voice note; `paused`: stopped.') }),
) {}

export const presenceContactSchema = z
  .object({
    jid: z.string().describe('The contact as WhatsApp named it (a LID or a phone-number JID).'),
    phone_number: z.string().nullable().describe('E.164, when WhatsApp named the contact by it or the gateway knows the pair.'),
    lid: z.string().nullable().describe('The LID (`…@lid`), when WhatsApp named the contact by it or the gateway knows the pair.'),
  })
  .meta({ id: 'PresenceContact' });

export class OwnPresenceDto extends createZodDto(z.object({ channel_id: z.string(), presence: z.enum(['online', 'offline']) })) {}

export class ChatStateSentDto extends createZodDto(z.object({ to: z.string(), presence: z.enum(['typing', 'recording', 'paused']) })) {}

export class SubscribedDto extends createZodDto(
  z.object({ contact: z.string().describe('The JID subscribed to.'), subscribed: z.literal(true) }),
) {}

export const knownPresenceSchema = z.object({
  contact: z.string().describe('The JID asked for.'),
  presence: z.enum(PRESENCES).nullable().describe('null: nothing known (not subscribed, nothing pushed yet, or expired).'),
  last_seen: z.iso.datetime({ offset: true }).nullable().describe('When offline, if the contact shares it.'),
  chat: z.string().nullable().describe('For a chat state: the chat it is in (the group, in a group).'),
  updated_at: z.iso.datetime({ offset: true }).nullable().describe('When WhatsApp pushed it.'),
});
export class KnownPresenceDto extends createZodDto(knownPresenceSchema) {}
