import { Inject, Injectable } from '@nestjs/common';
import type { WireMessageKey } from '../../engine/message-content';
import { Prisma, type PrismaClient, type Statement } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { clientOf, sqlIn, Transaction } from '../../platform/database/transactions';

export type ChatRow = Awaited<ReturnType<PrismaClient['chat']['findUniqueOrThrow']>>;

/** A message that passed through a chat: its WhatsApp key names the chat. */
export interface ChatTouch {
  channelId: string;
  customerId: string;
  key: WireMessageKey;
  at: Date;
  /** Received, so one more unread. */
  incoming: boolean;
}

@Injectable()
export class ChatsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * A message passed through the chat: it exists (again, if it was deleted locally) and moves up. The key of
   * its newest message (by timestamp) is kept: changes on WhatsApp are anchored on it. Several chats (each named
   * once, as a part of the history names them) go in one statement.
   */
  async touch(tx: Transaction, touches: ChatTouch[]): Promise<void> {
    if (touches.length === 0) return;
    const { text, values } = touchStatement(touches, 1);
    await sqlIn(tx).query(text, values);
  }

  find(channelId: string, jid: string): Promise<ChatRow | null> {
    return this.prisma.chat.findUnique({ where: { channelId_jid: { channelId, jid } } });
  }

  list(channelId: string, filter: { archived?: boolean; pinned?: boolean }, after: string | undefined, take: number): Promise<ChatRow[]> {
    return this.prisma.chat.findMany({
      where: {
        channelId,
        deletedAt: null,
        ...(filter.archived !== undefined ? { archived: filter.archived } : {}),
        ...(filter.pinned !== undefined ? { pinned: filter.pinned } : {}),
        ...(after ? { jid: { gt: after } } : {}),
      },
      orderBy: { jid: 'asc' },
      take,
    });
  }

  upsert(channelId: string, customerId: string, jid: string, data: Prisma.ChatUncheckedUpdateInput, tx?: Transaction): Promise<ChatRow> {
    return (tx ? clientOf(tx) : this.prisma).chat.upsert({
      where: { channelId_jid: { channelId, jid } },
      create: { ...(data as Prisma.ChatUncheckedCreateInput), channelId, customerId, jid },
      update: data,
    });
  }
}

/**
 * The statement of `touch`, its parameters numbered from `first`; with `onlyIf`, it touches only when that SQL
 * condition holds (a send stores its message and touches its chat in one statement, when the message is new).
 */
export function touchStatement(touches: ChatTouch[], first: number, onlyIf?: string): Statement {
  const $ = (n: number) => `$${first + n}`;
  return {
    text: touchFrom(
      `unnest(${[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `${$(n)}::text[]`).join(', ')})
         AS t(channel_id, jid, customer_id, at, wa_id, from_me, participant, unread)
       ${onlyIf ? `WHERE ${onlyIf}` : ''}`,
    ),
    // Every column as text, cast in the statement: the same parameters on either driver and in either kind of transaction.
    values: [
      touches.map((t) => t.channelId),
      touches.map((t) => t.key.chatJid),
      touches.map((t) => t.customerId),
      touches.map((t) => t.at.toISOString()),
      touches.map((t) => t.key.waMessageId),
      touches.map((t) => String(t.key.fromMe)),
      touches.map((t) => t.key.participant ?? null),
      touches.map((t) => (t.incoming ? '1' : '0')),
    ],
  };
}

/**
 * Touches the chats of the rows `t` that `from` gives (channel_id, jid, customer_id, at, wa_id, from_me,
 * participant, unread; each chat once, as one statement cannot change a row twice): the message at `at` becomes
 * the chat's last unless a later one is, the unread count grows by `unread`, and a deleted chat is back.
 */
export function touchFrom(from: string): string {
  return `INSERT INTO chats (channel_id, jid, customer_id, last_message_at, last_message_wa_id, last_message_from_me, last_message_participant, unread_count, updated_at)
       SELECT t.channel_id::uuid, t.jid, t.customer_id, t.at::timestamptz, t.wa_id, t.from_me::boolean, t.participant, t.unread::int, now()
       FROM ${from}
       ON CONFLICT (channel_id, jid) DO UPDATE SET
         last_message_wa_id = CASE WHEN chats.last_message_at IS NULL OR EXCLUDED.last_message_at >= chats.last_message_at THEN EXCLUDED.last_message_wa_id ELSE chats.last_message_wa_id END,
         last_message_from_me = CASE WHEN chats.last_message_at IS NULL OR EXCLUDED.last_message_at >= chats.last_message_at THEN EXCLUDED.last_message_from_me ELSE chats.last_message_from_me END,
         last_message_participant = CASE WHEN chats.last_message_at IS NULL OR EXCLUDED.last_message_at >= chats.last_message_at THEN EXCLUDED.last_message_participant ELSE chats.last_message_participant END,
         last_message_at = GREATEST(chats.last_message_at, EXCLUDED.last_message_at),
         unread_count = chats.unread_count + EXCLUDED.unread_count,
         deleted_at = NULL,
         updated_at = now()`;
}
