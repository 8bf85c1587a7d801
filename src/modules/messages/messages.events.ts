import { z } from 'zod';
import { EXAMPLE_AT, EXAMPLE_CHANNEL_ID, EXAMPLE_CONTACT_JID } from '../events/event-examples';
import { defineEvents, EventObjectDefinition, PayloadsOf } from '../events/event-payloads';
import { messageSchema, STORED_TYPES } from './messages.contracts';

/**
 * The message.* events: their payloads, what they mean, an example of each. Changing a schema changes the
 * public API (the OpenAPI `webhooks` section and docs/webhooks.md are generated from it).
 *
 * Every message event names its message `message_id` and its chat `chat_id`, at the top of the payload.
 */

const timestamp = z.iso.datetime({ offset: true });
const messageId = z.string().describe("The message's `id` in this API (`msg_…`).");
const chatId = z.string().describe('The chat: user JID, LID or group JID.');

/** A message as GET /v1/channels/{channelId}/messages/{messageId} presents it. */
export const eventMessageSchema = messageSchema;

/** Published once, as `EventMessage`, and embedded by message.received and message.reaction. */
export const MESSAGE_EVENT_OBJECTS: Record<string, EventObjectDefinition> = {
  EventMessage: {
    schema: eventMessageSchema,
    title: 'The message object',
    anchor: 'the-message-object',
    intro:
      'A message as `GET /v1/channels/{channelId}/messages/{messageId}` presents it. The content sits under the field named after its `type`, in the same shape as a send.',
  },
};

const messagePayload = () => z.object({ message_id: messageId, chat_id: chatId, message: eventMessageSchema });

const STATUS_TIMESTAMP: Record<'sent' | 'delivered' | 'read' | 'failed', string> = {
  sent: 'When WhatsApp acknowledged the send.',
  delivered: "When the recipient's device reported it delivered.",
  read: 'When it was read (by the recipient, or by this channel for an inbound message).',
  failed: 'When the send was given up.',
};

const statusPayload = <S extends 'sent' | 'delivered' | 'read' | 'failed'>(status: S) =>
  z.object({
    message_id: messageId,
    chat_id: chatId,
    status: z.literal(status),
    timestamp: timestamp.describe(STATUS_TIMESTAMP[status]),
    direction: z
      .enum(['outbound', 'inbound'])
      .describe('`inbound` only for `message.read` of a message this channel received and marked read.'),
    type: z.enum(STORED_TYPES),
    client_ref: z.string().nullable().describe('The `client_ref` of the send, if it had one.'),
    wa_message_id: z.string().describe("WhatsApp's id of the message."),
    failure_reason: z.string().nullable().describe('Why the send failed (`message.failed`); null otherwise.'),
    sent_at: timestamp.nullable(),
    delivered_at: timestamp.nullable(),
    read_at: timestamp.nullable(),
  });

const inbound = {
  id: 'msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F',
  channel_id: EXAMPLE_CHANNEL_ID,
  chat_id: EXAMPLE_CONTACT_JID,
  from: EXAMPLE_CONTACT_JID,
  from_lid: '204871234567890@lid',
  direction: 'inbound',
  type: 'text',
  status: 'received',
  failure_reason: null,
  client_ref: null,
  wa_message_id: '3EB0A1B2C3D4E5F6071829',
  push_name: 'Carol',
  timestamp: EXAMPLE_AT,
  sent_at: null,
  delivered_at: null,
  read_at: null,
  created_at: '2026-05-23T14:00:00.120Z',
  text: 'Hi! Is my order on its way?',
} as const;

function withoutText<M extends { text?: string }>(message: M): Omit<M, 'text'> {
  const { text: _text, ...rest } = message;
  return rest;
}

const outbound = {
  message_id: 'msg_01JZ8Q4A1B2C3D4E5F6G7H8J9K',
  chat_id: EXAMPLE_CONTACT_JID,
  direction: 'outbound',
  type: 'text',
  client_ref: 'order-1042-shipped',
  wa_message_id: '3EB0F6E5D4C3B2A1908172',
  failure_reason: null,
  sent_at: '2026-05-23T14:01:00.410Z',
  delivered_at: null,
  read_at: null,
} as const;

export const MESSAGE_EVENTS = defineEvents({
  'message.received': {
    schema: messagePayload().extend({
      is_story: z
        .boolean()
        .describe(
          "A contact's story (status update) the channel is among the viewers of: its `chat_id` is `status@broadcast`, its `from` the author. Stories are kept in history but make no chat.",
        ),
    }),
    summary:
      'A contact sent the channel a message (not a reaction). `message` is the message as GET /v1/channels/{channelId}/messages/{messageId} presents it; inbound media also carry a signed `url` to the bytes, minted as the event is sent (each webhook attempt, each SSE frame) and valid MEDIA_URL_TTL_SECONDS from then.',
    cause: 'The sandbox inbound call that sent it (POST /v1/sandbox/channels/{channelId}/inbound); none for real traffic.',
    example: { message_id: inbound.id, chat_id: EXAMPLE_CONTACT_JID, message: inbound, is_story: false },
  },
  'message.sent': {
    schema: statusPayload('sent'),
    summary: 'WhatsApp accepted a message the channel sent.',
    cause: 'The send request.',
    example: { ...outbound, status: 'sent', timestamp: outbound.sent_at },
  },
  'message.delivered': {
    schema: statusPayload('delivered'),
    summary: "A message the channel sent reached the recipient's device.",
    cause: 'The send request, or the sandbox receipt call that reported it.',
    example: {
      ...outbound,
      status: 'delivered',
      timestamp: '2026-05-23T14:01:02.000Z',
      delivered_at: '2026-05-23T14:01:02.000Z',
    },
  },
  'message.read': {
    schema: statusPayload('read'),
    summary: 'A message the channel sent was read, or the channel marked a received message read (`direction: inbound`).',
    cause: 'The send request, the sandbox receipt call, or the mark-read request (POST …/messages/{messageId}/read).',
    example: {
      ...outbound,
      status: 'read',
      timestamp: '2026-05-23T14:03:00.000Z',
      delivered_at: '2026-05-23T14:01:02.000Z',
      read_at: '2026-05-23T14:03:00.000Z',
    },
  },
  'message.failed': {
    schema: statusPayload('failed'),
    summary: 'A message the channel was sending failed for good.',
    cause: 'The send request.',
    example: {
      ...outbound,
      status: 'failed',
      timestamp: '2026-05-23T14:01:30.000Z',
      sent_at: null,
      failure_reason: 'gave up after 5 attempts: the recipient is not on WhatsApp',
    },
  },
  'message.reaction': {
    schema: messagePayload(),
    summary:
      'A contact reacted to a message, or removed a reaction (empty emoji). `message` is the reaction message (type `reaction`); `message.reaction.message_id` is the message reacted to (null when it is not stored on this channel).',
    cause: 'The sandbox inbound call that sent it; none for real traffic.',
    example: {
      message_id: 'msg_01JZ8Q5B2C3D4E5F6G7H8J9K0M',
      chat_id: EXAMPLE_CONTACT_JID,
      message: {
        ...withoutText(inbound),
        id: 'msg_01JZ8Q5B2C3D4E5F6G7H8J9K0M',
        type: 'reaction',
        wa_message_id: '3EB0C1D2E3F4A5B6978899',
        timestamp: '2026-05-23T14:04:00.000Z',
        created_at: '2026-05-23T14:04:00.090Z',
        reaction: { message_id: outbound.message_id, wa_message_id: outbound.wa_message_id, emoji: '👍' },
      },
    },
  },
});

declare module '../events/event-payloads' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds this module's payloads
  interface EventPayloads extends PayloadsOf<typeof MESSAGE_EVENTS> {}
}
