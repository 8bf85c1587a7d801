import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import { phoneOf } from '../whatsapp/jid';
import type { ChatRow } from './chats.repository';

const timestamp = z.iso.datetime({ offset: true });
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const chatSchema = z
  .object({
    id: z.string().describe('The chat JID (user, LID or group).'),
    channel_id: z.uuid(),
    phone_number: z.string().nullable(),
    last_message_at: timestamp.nullable(),
    unread_count: z.number().int(),
    unread: z.boolean().describe('Unread messages, or marked unread.'),
    pinned: z.boolean(),
    archived: z.boolean(),
    muted_until: timestamp.nullable(),
    ephemeral_seconds: z.number().int().describe('Disappearing-messages timer; 0 is off.'),
    updated_at: timestamp,
    applied_on_whatsapp: z.boolean().optional().describe('PATCH only: whether the change was also applied on WhatsApp.'),
  })
  .meta({ id: 'Chat' });

export class ChatDto extends createZodDto(topLevel(chatSchema)) {}
export class ChatPageDto extends createZodDto(pageSchema(chatSchema)) {}

export const listChatsQuerySchema = pageQuerySchema.extend({ archived: flag.optional(), pinned: flag.optional() });
export class ListChatsQueryDto extends createZodDto(listChatsQuerySchema) {}

export const updateChatSchema = z
  .object({
    pinned: z.boolean().optional(),
    archived: z.boolean().optional(),
    muted_until: timestamp.nullable().optional().describe('Mute until then; null unmutes.'),
    unread: z.boolean().optional().describe('true marks the chat unread; false marks it read.'),
    ephemeral_seconds: z
      .union([z.literal(0), z.literal(86_400), z.literal(604_800), z.literal(7_776_000)])
      .optional()
      .describe('Disappearing messages: 0 (off), 86400 (24 h), 604800 (7 days) or 7776000 (90 days).'),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one setting' });
export class UpdateChatDto extends createZodDto(updateChatSchema) {}
export type UpdateChatInput = z.infer<typeof updateChatSchema>;

/** A chat as the API shows it: unread when marked so or when messages wait, muted only while the mute lasts. */
export function toChat(row: ChatRow) {
  return {
    id: row.jid,
    channel_id: row.channelId,
    phone_number: phoneOf(row.jid),
    last_message_at: row.lastMessageAt?.toISOString() ?? null,
    unread_count: row.unreadCount,
    unread: row.markedUnread || row.unreadCount > 0,
    pinned: row.pinned,
    archived: row.archived,
    muted_until: row.mutedUntil && row.mutedUntil.getTime() > Date.now() ? row.mutedUntil.toISOString() : null,
    ephemeral_seconds: row.ephemeralSeconds,
    updated_at: row.updatedAt.toISOString(),
  };
}
