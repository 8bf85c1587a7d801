import { z } from 'zod';
import { EXAMPLE_AT, EXAMPLE_CHANNEL_ID, EXAMPLE_CONTACT_JID } from '../events/event-examples';
import { defineEvents, EventObjectDefinition, PayloadsOf } from '../events/event-payloads';
import { chatSchema } from './chats.contracts';

/** The chat.* events: their payloads, what they mean, an example of each (public API, like every event). */

/** A chat as GET /v1/channels/{channelId}/chats/{chatId} presents it. */
export const eventChatSchema = chatSchema.omit({ applied_on_whatsapp: true });

/** Published once, as `EventChat`, and embedded by every chat event. */
export const CHAT_EVENT_OBJECTS: Record<string, EventObjectDefinition> = {
  EventChat: {
    schema: eventChatSchema,
    title: 'The chat object',
    anchor: 'the-chat-object',
    intro: 'A chat as `GET /v1/channels/{channelId}/chats/{chatId}` presents it.',
  },
};

const chatPayload = () =>
  z.object({
    chat_id: z.string().describe('The chat: user JID, LID or group JID.'),
    chat: eventChatSchema,
    changed: z
      .array(z.enum(['pinned', 'archived', 'muted_until', 'unread', 'ephemeral_seconds']))
      .describe('The settings the request changed (sent, not necessarily different from before).'),
  });

const chat = {
  id: EXAMPLE_CONTACT_JID,
  channel_id: EXAMPLE_CHANNEL_ID,
  phone_number: '+15551234567',
  last_message_at: EXAMPLE_AT,
  unread_count: 0,
  unread: false,
  pinned: true,
  archived: false,
  muted_until: null,
  ephemeral_seconds: 0,
  updated_at: '2026-05-23T14:05:00.000Z',
};

export const CHAT_EVENTS = defineEvents({
  'chat.updated': {
    schema: chatPayload(),
    summary: "A chat's settings were changed through PATCH /v1/channels/{channelId}/chats/{chatId}.",
    cause: 'The PATCH request.',
    example: { chat_id: EXAMPLE_CONTACT_JID, chat, changed: ['pinned'] },
  },
  'chat.archived': {
    schema: chatPayload(),
    summary: 'Sent with chat.updated when the PATCH changed `archived`.',
    cause: 'The PATCH request.',
    example: { chat_id: EXAMPLE_CONTACT_JID, chat: { ...chat, pinned: false, archived: true }, changed: ['archived'] },
  },
  'chat.pinned': {
    schema: chatPayload(),
    summary: 'Sent with chat.updated when the PATCH changed `pinned`.',
    cause: 'The PATCH request.',
    example: { chat_id: EXAMPLE_CONTACT_JID, chat, changed: ['pinned'] },
  },
});

declare module '../events/event-payloads' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds this module's payloads
  interface EventPayloads extends PayloadsOf<typeof CHAT_EVENTS> {}
}
