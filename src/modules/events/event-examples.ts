import { EmittedEventType, PayloadOf, payloadSchemaOf } from './event-payloads';

/**
 * One example payload per emitted event type, typed by its schema: shown in docs/webhooks.md and the OpenAPI
 * `webhooks` section, and validated against the schemas by the tests.
 */
const CHANNEL = '0196f3c2-7a5e-7b1c-9a57-3f0e2d1c4b5a';
const CONTACT = '15551234567@s.whatsapp.net';
const AT = '2026-05-23T14:00:00.000Z';

const inbound = {
  id: 'msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F',
  channel_id: CHANNEL,
  chat_id: CONTACT,
  from: CONTACT,
  from_lid: '204871234567890@lid',
  direction: 'inbound',
  type: 'text',
  status: 'received',
  failure_reason: null,
  client_ref: null,
  wa_message_id: '3EB0A1B2C3D4E5F6071829',
  push_name: 'Carol',
  timestamp: AT,
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
  chat_id: CONTACT,
  direction: 'outbound',
  type: 'text',
  client_ref: 'order-1042-shipped',
  wa_message_id: '3EB0F6E5D4C3B2A1908172',
  failure_reason: null,
  sent_at: '2026-05-23T14:01:00.410Z',
  delivered_at: null,
  read_at: null,
} as const;

const chat = {
  id: CONTACT,
  channel_id: CHANNEL,
  phone_number: '+15551234567',
  last_message_at: AT,
  unread_count: 0,
  unread: false,
  pinned: true,
  archived: false,
  muted_until: null,
  ephemeral_seconds: 0,
  updated_at: '2026-05-23T14:05:00.000Z',
};

export const EVENT_EXAMPLES: { [T in EmittedEventType]: PayloadOf<T> } = {
  'message.received': { message_id: inbound.id, chat_id: CONTACT, message: inbound },
  'message.sent': { ...outbound, status: 'sent', timestamp: outbound.sent_at },
  'message.delivered': {
    ...outbound,
    status: 'delivered',
    timestamp: '2026-05-23T14:01:02.000Z',
    delivered_at: '2026-05-23T14:01:02.000Z',
  },
  'message.read': {
    ...outbound,
    status: 'read',
    timestamp: '2026-05-23T14:03:00.000Z',
    delivered_at: '2026-05-23T14:01:02.000Z',
    read_at: '2026-05-23T14:03:00.000Z',
  },
  'message.failed': {
    ...outbound,
    status: 'failed',
    timestamp: '2026-05-23T14:01:30.000Z',
    sent_at: null,
    failure_reason: 'gave up after 5 attempts: the recipient is not on WhatsApp',
  },
  'message.reaction': {
    message_id: 'msg_01JZ8Q5B2C3D4E5F6G7H8J9K0M',
    chat_id: CONTACT,
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
  'channel.connected': { channel_id: CHANNEL, status: 'connected', since: AT, phone_number: '+15557654321', reason: null },
  'channel.disconnected': {
    channel_id: CHANNEL,
    status: 'disconnected',
    since: '2026-05-23T15:00:00.000Z',
    phone_number: '+15557654321',
    reason: { code: 428, message: 'Connection Closed' },
  },
  'channel.state_changed': {
    channel_id: CHANNEL,
    from: 'connected',
    to: 'disconnected',
    since: '2026-05-23T15:00:00.000Z',
    reason: { code: 428, message: 'Connection Closed' },
    reconnect_attempts: 1,
  },
  'chat.updated': { chat_id: CONTACT, chat, changed: ['pinned'] },
  'chat.archived': { chat_id: CONTACT, chat: { ...chat, pinned: false, archived: true }, changed: ['archived'] },
  'chat.pinned': { chat_id: CONTACT, chat, changed: ['pinned'] },
  'webhook.test': { endpoint_id: 'whe_01JZ8Q6C3D4E5F6G7H8J9K0M1N', message: 'A test event sent from the WhatIsUp API.' },
};

/** The example as its schema parses it: checked, and with its fields in the schema's order. */
export function exampleOf(type: EmittedEventType): unknown {
  return payloadSchemaOf(type).parse(EVENT_EXAMPLES[type]);
}
