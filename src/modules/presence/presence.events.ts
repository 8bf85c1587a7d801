import { z } from 'zod';
import { defineEvents, PayloadsOf } from '../events/event-payloads';
import { PRESENCES, presenceContactSchema } from './presence.contracts';

/** The presence.updated event (public API, like every event). */
export const PRESENCE_EVENTS = defineEvents({
  'presence.updated': {
    schema: z.object({
      contact: presenceContactSchema,
      presence: z.enum(PRESENCES),
      last_seen: z.iso.datetime({ offset: true }).optional().describe('With `offline`, when the contact shares it.'),
      chat: z.string().optional().describe('With a chat state in a group: the group.'),
    }),
    summary:
      'A subscribed contact came online, went offline or is typing / recording. Coalesced: the same presence in the same chat again within 60 s is not sent again.',
    cause: "WhatsApp's presence push (after POST …/presences/{contact}/subscribe, while the channel is online).",
    example: { contact: { jid: '123456789012345@lid', phone_number: '+15551234567', lid: '123456789012345@lid' }, presence: 'typing' },
  },
});

declare module '../events/event-payloads' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds this module's payloads
  interface EventPayloads extends PayloadsOf<typeof PRESENCE_EVENTS> {}
}
