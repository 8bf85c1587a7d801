import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type ChatRow = Awaited<ReturnType<PrismaClient['chat']['findUniqueOrThrow']>>;

@Injectable()
export class ChatsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /** A message passed through the chat: it exists (again, if it was deleted locally) and moves up. */
  async touch(tx: Prisma.TransactionClient, input: { channelId: string; customerId: string; jid: string; at: Date; incoming: boolean }): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO chats (channel_id, jid, customer_id, last_message_at, unread_count, updated_at)
      VALUES (${input.channelId}::uuid, ${input.jid}, ${input.customerId}, ${input.at}, ${input.incoming ? 1 : 0}, now())
      ON CONFLICT (channel_id, jid) DO UPDATE SET
        last_message_at = GREATEST(chats.last_message_at, EXCLUDED.last_message_at),
        unread_count = chats.unread_count + EXCLUDED.unread_count,
        deleted_at = NULL,
        updated_at = now()`;
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

  upsert(tx: Prisma.TransactionClient, channelId: string, customerId: string, jid: string, data: Prisma.ChatUncheckedUpdateInput): Promise<ChatRow> {
    return tx.chat.upsert({
      where: { channelId_jid: { channelId, jid } },
      create: { ...(data as Prisma.ChatUncheckedCreateInput), channelId, customerId, jid },
      update: data,
    });
  }

  /** The chat's newest message: WhatsApp anchors archive and read changes on it. */
  latestMessage(channelId: string, chatJid: string) {
    return this.prisma.message.findFirst({
      where: { channelId, chatJid },
      orderBy: { id: 'desc' },
      select: { waMessageId: true, direction: true, senderJid: true, waTimestamp: true },
    });
  }
}
