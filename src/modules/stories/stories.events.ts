import { z } from 'zod';
import { EXAMPLE_AT } from '../events/event-examples';
import { defineEvents, PayloadsOf } from '../events/event-payloads';
import { storyViewSchema } from './stories.contracts';

/** The story.* events: their payloads, what they mean, an example of each (public API, like every event). */

export const STORY_EVENTS = defineEvents({
  'story.viewed': {
    schema: z
      .object({
        story_id: z.string().describe('The story (GET /v1/channels/{channelId}/stories/{storyId}).'),
        wa_message_id: z.string().describe("WhatsApp's id of the story."),
      })
      .extend(storyViewSchema().shape),
    summary: 'A contact viewed a story the channel posted (once per viewer and story).',
    cause: "The viewer's read receipt; the sandbox view call that reported it, through the sandbox.",
    example: {
      story_id: 'msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F',
      wa_message_id: '3EB0A1B2C3D4E5F6071829',
      viewer: { jid: '15551234567@s.whatsapp.net', phone_number: '+15551234567', lid: '204871234567890@lid' },
      viewed_at: EXAMPLE_AT,
    },
  },
});

declare module '../events/event-payloads' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds this module's payloads
  interface EventPayloads extends PayloadsOf<typeof STORY_EVENTS> {}
}
