import { z } from 'zod';
import { CHANNEL_STATES } from '../channels/channel-lifecycle';
import { chatSchema } from '../chats/chats.contracts';
import { MESSAGE_TYPES, messageSchema } from '../messages/messages.contracts';
import { DomainEventType, STREAM_ONLY_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from './domain-event';

/**
 * The payload of every event type, in one place: producers are typed against these schemas (see
 * `DomainEventInput`), the OpenAPI `webhooks` section and docs/webhooks.md are generated from them, and the
 * tests validate every event they receive with them. Changing a schema changes the public API.
 *
 * Every message event names its message `message_id` and its chat `chat_id`, at the top of the payload.
 */

const timestamp = z.iso.datetime({ offset: true });
const messageId = z.string().describe("The message's `id` in this API (`msg_…`).");
const chatId = z.string().describe('The chat: user JID, LID or group JID.');

/** A message as GET /v1/channels/{channelId}/messages/{messageId} presents it. */
export const eventMessageSchema = messageSchema;

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
    type: z.enum([...MESSAGE_TYPES, 'unsupported']),
    client_ref: z.string().nullable().describe('The `client_ref` of the send, if it had one.'),
    wa_message_id: z.string().describe("WhatsApp's id of the message."),
    failure_reason: z.string().nullable().describe('Why the send failed (`message.failed`); null otherwise.'),
    sent_at: timestamp.nullable(),
    delivered_at: timestamp.nullable(),
    read_at: timestamp.nullable(),
  });

const channelReason = z
  .object({ code: z.number().int().nullable(), message: z.string().nullable() })
  .nullable()
  .describe('Why the channel is in this state (the disconnect code and text), when there is a reason.');

const channelStatusPayload = <S extends z.ZodType<(typeof CHANNEL_STATES)[number]>>(status: S) =>
  z.object({
    channel_id: z.uuid(),
    status,
    since: timestamp.describe('When the channel entered that state.'),
    phone_number: z.string().nullable().describe('E.164, once paired.'),
    reason: channelReason,
  });

/** A chat as GET /v1/channels/{channelId}/chats/{chatId} presents it. */
export const eventChatSchema = chatSchema.omit({ applied_on_whatsapp: true });

const chatPayload = () =>
  z.object({
    chat_id: chatId,
    chat: eventChatSchema,
    changed: z
      .array(z.enum(['pinned', 'archived', 'muted_until', 'unread', 'ephemeral_seconds']))
      .describe('The settings the request changed (sent, not necessarily different from before).'),
  });

/** Payload schema per event type; null for catalog types nothing emits yet (no payload is promised for them). */
export const EVENT_PAYLOADS = {
  'message.received': messagePayload(),
  'message.sent': statusPayload('sent'),
  'message.delivered': statusPayload('delivered'),
  'message.read': statusPayload('read'),
  'message.failed': statusPayload('failed'),
  'message.reaction': messagePayload(),
  'channel.connected': channelStatusPayload(z.literal('connected')),
  'channel.disconnected': channelStatusPayload(
    z
      .enum(CHANNEL_STATES)
      .exclude(['connected'])
      .describe('Where the channel went: `disconnected` (a reconnect follows), `logged_out`, `stopped_by_user`, …'),
  ),
  'channel.state_changed': z.object({
    channel_id: z.uuid(),
    from: z.enum(CHANNEL_STATES),
    to: z.enum(CHANNEL_STATES),
    since: timestamp.describe('When the channel entered `to`.'),
    reason: channelReason,
    reconnect_attempts: z.number().int().describe('Reconnect attempts since the channel was last connected.'),
  }),
  'chat.updated': chatPayload(),
  'chat.archived': chatPayload(),
  'chat.pinned': chatPayload(),
  'webhook.test': z.object({
    endpoint_id: z.string().describe('The endpoint the test was sent to.'),
    message: z.string(),
  }),
  'group.created': null,
  'group.updated': null,
  'group.participant_added': null,
  'group.participant_removed': null,
  'group.admin_promoted': null,
  'group.admin_demoted': null,
  'presence.updated': null,
  'call.offered': null,
  'call.terminated': null,
} as const satisfies Record<DomainEventType, z.ZodType | null>;

type Payloads = typeof EVENT_PAYLOADS;

/** Event types something emits, with a payload schema. */
export type EmittedEventType = { [T in DomainEventType]: Payloads[T] extends z.ZodType ? T : never }[DomainEventType];

/** The payload of an event type; `never` for a type nothing emits yet, so it cannot be published by mistake. */
export type PayloadOf<T extends DomainEventType> = Payloads[T] extends z.ZodType ? z.input<Payloads[T]> : never;

export const EMITTED_EVENT_TYPES = (Object.keys(EVENT_PAYLOADS) as DomainEventType[]).filter(
  (type): type is EmittedEventType => EVENT_PAYLOADS[type] !== null,
);

/** Catalog types that can be subscribed to but arrive with the groups, presence and calls modules. */
export const NOT_YET_EMITTED_EVENT_TYPES = (Object.keys(EVENT_PAYLOADS) as DomainEventType[]).filter(
  (type) => EVENT_PAYLOADS[type] === null,
);

/** What webhook endpoints receive: the emitted types of the catalog, and webhook.test (sent by the test route only). */
export const DELIVERED_EVENT_TYPES: EmittedEventType[] = [
  ...WEBHOOK_EVENT_TYPES.flatMap((type) => (isEmittedEventType(type) ? [type] : [])),
  'webhook.test',
];

/** Emitted, but only over SSE. */
export const STREAMED_ONLY_EVENT_TYPES: EmittedEventType[] = STREAM_ONLY_EVENT_TYPES.filter((type) => type !== 'webhook.test');

export function payloadSchemaOf<T extends EmittedEventType>(type: T): Payloads[T] {
  return EVENT_PAYLOADS[type];
}

export function isEmittedEventType(type: string): type is EmittedEventType {
  return (EMITTED_EVENT_TYPES as readonly string[]).includes(type);
}

/** What each event means and what causes it (X-WhatIsUp-Correlation-Id), for the reference documentation. */
export const EVENT_DESCRIPTIONS: Record<EmittedEventType, { summary: string; cause: string }> = {
  'message.received': {
    summary:
      'A contact sent the channel a message (not a reaction). `message` is the message as GET /v1/channels/{channelId}/messages/{messageId} presents it; inbound media also carry a signed `url` to the bytes, minted as the event is sent (each webhook attempt, each SSE frame) and valid MEDIA_URL_TTL_SECONDS from then.',
    cause: 'The sandbox inbound call that sent it (POST /v1/sandbox/channels/{channelId}/inbound); none for real traffic.',
  },
  'message.sent': { summary: 'WhatsApp accepted a message the channel sent.', cause: 'The send request.' },
  'message.delivered': {
    summary: "A message the channel sent reached the recipient's device.",
    cause: 'The send request, or the sandbox receipt call that reported it.',
  },
  'message.read': {
    summary: 'A message the channel sent was read, or the channel marked a received message read (`direction: inbound`).',
    cause: 'The send request, the sandbox receipt call, or the mark-read request (POST …/messages/{messageId}/read).',
  },
  'message.failed': { summary: 'A message the channel was sending failed for good.', cause: 'The send request.' },
  'message.reaction': {
    summary:
      'A contact reacted to a message, or removed a reaction (empty emoji). `message` is the reaction message (type `reaction`); `message.reaction.message_id` is the message reacted to (null when it is not stored on this channel).',
    cause: 'The sandbox inbound call that sent it; none for real traffic.',
  },
  'channel.connected': {
    summary: 'The channel is online.',
    cause: 'The connect request, or the sandbox scan / pair-code call, that led to it; none for automatic reconnects.',
  },
  'channel.disconnected': {
    summary: 'The channel left `connected` (dropped, logged out, stopped, disabled…); `status` says where it went.',
    cause: 'The disconnect, logout or delete request, or the sandbox unlink / drop call; none when WhatsApp or the network dropped it.',
  },
  'channel.state_changed': {
    summary: 'Every lifecycle transition of a channel (see docs/channels.md for the states).',
    cause: 'As for channel.connected and channel.disconnected.',
  },
  'chat.updated': {
    summary: "A chat's settings were changed through PATCH /v1/channels/{channelId}/chats/{chatId}.",
    cause: 'The PATCH request.',
  },
  'chat.archived': { summary: 'Sent with chat.updated when the PATCH changed `archived`.', cause: 'The PATCH request.' },
  'chat.pinned': { summary: 'Sent with chat.updated when the PATCH changed `pinned`.', cause: 'The PATCH request.' },
  'webhook.test': {
    summary: 'Sent only by POST /v1/webhooks/{webhookId}/test, to that endpoint only; not part of the catalog.',
    cause: 'The test request.',
  },
};
