import { z } from 'zod';
import { EXAMPLE_AT } from '../events/event-examples';
import { defineEvents, PayloadsOf } from '../events/event-payloads';
import { callerSchema } from './calls.contracts';

/** The call.* events: their payloads, what they mean, an example of each (public API, like every event). */

const CALL_ID = '8C0E4B7F2D1A9E6C3B5D7F9A1C3E5B7D';
const from = { jid: '123456789012345@lid', phone_number: '+15551234567' };

export const CALL_EVENTS = defineEvents({
  'call.offered': {
    schema: z.object({
      call_id: z.string().describe("WhatsApp's id of the call: name it to reject the call."),
      from: callerSchema,
      is_video: z.boolean(),
      is_group: z.boolean(),
      group_id: z.string().nullable().describe('The group of a group call, when WhatsApp says.'),
      offered_at: z.iso.datetime({ offset: true }),
    }),
    summary: "A contact is calling the channel's account: its linked devices ring.",
    cause: "WhatsApp's call offer.",
    example: { call_id: CALL_ID, from, is_video: false, is_group: false, group_id: null, offered_at: EXAMPLE_AT },
  },
  'call.terminated': {
    schema: z.object({
      call_id: z.string(),
      from: callerSchema,
      reason: z
        .enum(['rejected', 'missed', 'timeout', 'accepted_elsewhere', 'ended'])
        .describe(
          '`rejected`: by the gateway (POST …/calls/{callId}/reject, or auto-reject) or on another device of the account; ' +
            '`missed`: the caller hung up before anyone answered; `timeout`: nobody answered and WhatsApp stopped ringing; ' +
            '`accepted_elsewhere`: answered on the phone or another device; `ended`: a call answered elsewhere ended ' +
            '(sent after its `accepted_elsewhere`).',
        ),
      duration: z.number().int().nonnegative().optional().describe('Seconds, with `ended`: how long the answered call lasted.'),
      terminated_at: z.iso.datetime({ offset: true }),
    }),
    summary: 'A call stopped ringing on the channel (once per call), or a call answered elsewhere ended.',
    cause: "WhatsApp's call stanzas; a reject through the API names that request.",
    example: { call_id: CALL_ID, from, reason: 'rejected', terminated_at: '2026-05-23T14:00:07.000Z' },
  },
});

declare module '../events/event-payloads' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds this module's payloads
  interface EventPayloads extends PayloadsOf<typeof CALL_EVENTS> {}
}
