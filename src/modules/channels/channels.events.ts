import { z } from 'zod';
import { EXAMPLE_AT, EXAMPLE_CHANNEL_ID } from '../events/event-examples';
import { defineEvents, PayloadsOf } from '../events/event-payloads';
import { CHANNEL_STATES } from './channel-lifecycle';

/** The channel.* events: their payloads, what they mean, an example of each (public API, like every event). */

const timestamp = z.iso.datetime({ offset: true });

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

export const CHANNEL_EVENTS = defineEvents({
  'channel.connected': {
    schema: channelStatusPayload(z.literal('connected')),
    summary: 'The channel is online.',
    cause: 'The connect request, or the sandbox scan / pair-code call, that led to it; none for automatic reconnects.',
    example: { channel_id: EXAMPLE_CHANNEL_ID, status: 'connected', since: EXAMPLE_AT, phone_number: '+15557654321', reason: null },
  },
  'channel.disconnected': {
    schema: channelStatusPayload(
      z
        .enum(CHANNEL_STATES)
        .exclude(['connected'])
        .describe('Where the channel went: `disconnected` (a reconnect follows), `logged_out`, `stopped_by_user`, …'),
    ),
    summary: 'The channel left `connected` (dropped, logged out, stopped, disabled…); `status` says where it went.',
    cause: 'The disconnect, logout or delete request, or the sandbox unlink / drop call; none when WhatsApp or the network dropped it.',
    example: {
      channel_id: EXAMPLE_CHANNEL_ID,
      status: 'disconnected',
      since: '2026-05-23T15:00:00.000Z',
      phone_number: '+15557654321',
      reason: { code: 428, message: 'Connection Closed' },
    },
  },
  'channel.state_changed': {
    schema: z.object({
      channel_id: z.uuid(),
      from: z.enum(CHANNEL_STATES),
      to: z.enum(CHANNEL_STATES),
      since: timestamp.describe('When the channel entered `to`.'),
      reason: channelReason,
      reconnect_attempts: z.number().int().describe('Reconnect attempts since the channel was last connected.'),
    }),
    summary: 'Every lifecycle transition of a channel (see docs/channels.md for the states).',
    cause: 'As for channel.connected and channel.disconnected.',
    example: {
      channel_id: EXAMPLE_CHANNEL_ID,
      from: 'connected',
      to: 'disconnected',
      since: '2026-05-23T15:00:00.000Z',
      reason: { code: 428, message: 'Connection Closed' },
      reconnect_attempts: 1,
    },
  },
});

declare module '../events/event-payloads' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds this module's payloads
  interface EventPayloads extends PayloadsOf<typeof CHANNEL_EVENTS> {}
}
