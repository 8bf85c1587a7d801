import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { clientOf, Transaction } from '../../platform/database/transactions';

export type ContactRow = Awaited<ReturnType<PrismaClient['contact']['findUniqueOrThrow']>>;

export interface LearntContact {
  jid: string;
  phoneNumber?: string;
  lid?: string;
  pushName?: string;
}

@Injectable()
export class ContactsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Records what traffic told us; known values are kept when a report lacks them. A report that changes
   * nothing writes nothing: the engine reports a message's sender as a contact right after the message,
   * whose own transaction has already learnt it.
   */
  learn(tx: Transaction, channelId: string, customerId: string, contact: LearntContact): Promise<void> {
    return this.upsert(clientOf(tx), channelId, customerId, contact);
  }

  learnMany(channelId: string, customerId: string, contacts: LearntContact[]): Promise<unknown> {
    return this.prisma.$transaction(async (db) => {
      for (const contact of contacts) await this.upsert(db, channelId, customerId, contact);
    });
  }

  private async upsert(db: Prisma.TransactionClient, channelId: string, customerId: string, contact: LearntContact): Promise<void> {
    await db.$executeRaw`
      INSERT INTO contacts (channel_id, jid, customer_id, phone_number, lid, push_name, updated_at)
      VALUES (${channelId}::uuid, ${contact.jid}, ${customerId}, ${contact.phoneNumber ?? null}, ${contact.lid ?? null}, ${contact.pushName ?? null}, now())
      ON CONFLICT (channel_id, jid) DO UPDATE SET
        phone_number = COALESCE(EXCLUDED.phone_number, contacts.phone_number),
        lid = COALESCE(EXCLUDED.lid, contacts.lid),
        push_name = COALESCE(EXCLUDED.push_name, contacts.push_name),
        updated_at = now()
      WHERE (contacts.phone_number, contacts.lid, contacts.push_name) IS DISTINCT FROM
        (COALESCE(EXCLUDED.phone_number, contacts.phone_number), COALESCE(EXCLUDED.lid, contacts.lid), COALESCE(EXCLUDED.push_name, contacts.push_name))`;
  }

  find(channelId: string, jid: string): Promise<ContactRow | null> {
    return this.prisma.contact.findUnique({ where: { channelId_jid: { channelId, jid } } });
  }

  list(channelId: string, after: string | undefined, take: number, onlyWithLid = false): Promise<ContactRow[]> {
    return this.prisma.contact.findMany({
      where: {
        channelId,
        ...(after ? { jid: { gt: after } } : {}),
        ...(onlyWithLid ? { lid: { not: null }, phoneNumber: { not: null } } : {}),
      },
      orderBy: { jid: 'asc' },
      take,
    });
  }

  /** The channel's contacts most recently heard of first, at most `take` (jid, phone number and LID only). */
  recent(channelId: string, take: number): Promise<Pick<ContactRow, 'jid' | 'lid'>[]> {
    return this.prisma.contact.findMany({
      where: { channelId },
      orderBy: [{ updatedAt: 'desc' }, { jid: 'asc' }],
      take,
      select: { jid: true, lid: true },
    });
  }

  /** The contact a LID is known for: its phone-number row when there is one. */
  findByLid(channelId: string, lid: string): Promise<ContactRow | null> {
    return this.prisma.contact.findFirst({ where: { channelId, lid }, orderBy: { phoneNumber: { sort: 'asc', nulls: 'last' } } });
  }

  saveProfile(
    channelId: string,
    customerId: string,
    jid: string,
    profile: { about: string | null; pictureUrl: string | null },
  ): Promise<ContactRow> {
    return this.prisma.contact.upsert({
      where: { channelId_jid: { channelId, jid } },
      create: { channelId, customerId, jid, about: profile.about, pictureUrl: profile.pictureUrl, profileAt: new Date() },
      update: { about: profile.about, pictureUrl: profile.pictureUrl, profileAt: new Date() },
    });
  }
}
