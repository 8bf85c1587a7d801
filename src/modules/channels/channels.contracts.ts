import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import { CHANNEL_STATES, ChannelState } from './channel-lifecycle';
import type { ChannelRow } from './channels.repository';

const timestamp = z.iso.datetime({ offset: true });
const channelName = z.string().trim().min(1).max(100).describe('A label for humans; not used for routing or auth.');

export const channelSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    mode: z.enum(['live', 'test']).describe('`test` channels run on the built-in WhatsApp network simulator.'),
    status: z.enum(CHANNEL_STATES),
    status_since: timestamp,
    phone_number: z.string().nullable().describe('E.164, once paired.'),
    created_at: timestamp,
    updated_at: timestamp,
    deleted_at: timestamp.nullable(),
    calls: z
      .object({
        auto_reject: z.boolean().describe('Incoming calls are rejected as they ring (see docs/calls.md).'),
        message: z.string().nullable().describe('Sent to the caller as a text message after an automatic reject.'),
      })
      .describe('What the channel does with incoming calls.'),
  })
  .meta({ id: 'Channel' });

export const channelStatusSchema = z.object({
  channel_id: z.uuid(),
  status: z.enum(CHANNEL_STATES),
  since: timestamp,
  reason: z
    .object({ code: z.number().int().nullable(), message: z.string().nullable() })
    .nullable()
    .describe('Why the channel is in this state: the disconnect code and text, when there is one.'),
  reconnect_attempts: z.number().int(),
  phone_number: z.string().nullable(),
  worker_id: z.string().nullable().describe('The gateway worker holding the connection.'),
});

/** A channel as the operator sees it: whose it is, and where its connection stands. */
export const adminChannelSchema = channelSchema
  .extend({
    customer_id: z.string(),
    worker_id: z.string().nullable().describe('The gateway worker holding the connection.'),
    reconnect_attempts: z.number().int(),
  })
  .meta({ id: 'AdminChannel' });
export class AdminChannelPageDto extends createZodDto(pageSchema(adminChannelSchema)) {}

export const listAllChannelsQuerySchema = listChannelsQueryBase().extend({
  customer_id: z.string().min(1).max(64).optional().describe("Only this customer's channels."),
  status: z.enum(CHANNEL_STATES).optional().describe('Only channels in this state.'),
});
export class ListAllChannelsQueryDto extends createZodDto(listAllChannelsQuerySchema) {}

export class ChannelDto extends createZodDto(topLevel(channelSchema)) {}
export class ChannelPageDto extends createZodDto(pageSchema(channelSchema)) {}
export class ChannelStatusDto extends createZodDto(channelStatusSchema) {}

export const createChannelSchema = z.object({ name: channelName });
export class CreateChannelDto extends createZodDto(createChannelSchema) {}

const callSettingsSchema = z.object({
  auto_reject: z.boolean().describe('Reject incoming calls as they ring.'),
  message: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .nullable()
    .optional()
    .describe('A text message sent to the caller after an automatic reject; none when omitted or null.'),
});

export const updateChannelSchema = z
  .object({
    name: channelName.optional(),
    calls: callSettingsSchema.optional().describe('Replaces the call settings as a whole.'),
  })
  .refine((body) => body.name !== undefined || body.calls !== undefined, { message: 'give name, calls or both' });
export type UpdateChannelInput = z.infer<typeof updateChannelSchema>;
export class UpdateChannelDto extends createZodDto(updateChannelSchema) {}

function listChannelsQueryBase() {
  return pageQuerySchema.extend({
    include_deleted: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true')
      .describe('Include soft-deleted channels.'),
  });
}
export const listChannelsQuerySchema = listChannelsQueryBase();
export class ListChannelsQueryDto extends createZodDto(listChannelsQuerySchema) {}

export const pairCodeRequestSchema = z.object({
  phone_number: z
    .string()
    .regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567')
    .describe('The number of the phone that will enter the code.'),
});
export class PairCodeRequestDto extends createZodDto(pairCodeRequestSchema) {}
export class PairCodeDto extends createZodDto(
  z.object({
    code: z.string().length(8).describe('Enter it in WhatsApp › Linked devices › Link with phone number.'),
    phone_number: z.string(),
  }),
) {}

export class QrDto extends createZodDto(
  z.object({
    qr: z.string().describe('The raw QR payload, to render yourself.'),
    png_base64: z.string().describe('The QR as a PNG image, base64.'),
    expires_at: timestamp,
  }),
) {}

/**
 * A channel as the routes under it receive it: resolved from the path and checked once (owner, key scope,
 * key mode, deleted, state) by ChannelAccessGuard, so services take this rather than a key and an id.
 */
export interface ChannelRef {
  id: string;
  customerId: string;
  mode: 'live' | 'test';
  state: ChannelState;
  /** The paired phone's number, as stored; null until paired. */
  phoneNumber: string | null;
  /** Set only on routes that read deleted channels (`readable`). */
  deletedAt: Date | null;
  /** Whether the channel is meant to be connected (not stopped by its user, disabled or logged out). */
  wantConnected: boolean;
}

export function toChannelRef(row: ChannelRow): ChannelRef {
  return {
    id: row.id,
    customerId: row.customerId,
    mode: row.mode,
    state: row.state,
    phoneNumber: row.phoneNumber,
    deletedAt: row.deletedAt,
    wantConnected: row.wantConnected,
  };
}

export function toChannel(row: ChannelRow): z.infer<typeof channelSchema> {
  return {
    id: row.id,
    name: row.name,
    mode: row.mode,
    status: row.state,
    status_since: row.stateSince.toISOString(),
    phone_number: row.phoneNumber,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    deleted_at: row.deletedAt?.toISOString() ?? null,
    calls: { auto_reject: row.callAutoReject, message: row.callRejectMessage },
  };
}

export function toAdminChannel(row: ChannelRow): z.infer<typeof adminChannelSchema> {
  return { ...toChannel(row), customer_id: row.customerId, worker_id: row.workerId, reconnect_attempts: row.reconnectAttempts };
}

export function toChannelStatus(row: ChannelRow): z.infer<typeof channelStatusSchema> {
  return {
    channel_id: row.id,
    status: row.state,
    since: row.stateSince.toISOString(),
    reason: row.reasonCode === null && row.reasonText === null ? null : { code: row.reasonCode, message: row.reasonText },
    reconnect_attempts: row.reconnectAttempts,
    phone_number: row.phoneNumber,
    worker_id: row.workerId,
  };
}
