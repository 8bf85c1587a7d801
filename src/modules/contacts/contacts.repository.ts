import { Inject, Injectable } from '@nestjs/common';
import { type PrismaClient, SQL, type Sql, type SqlQuery, type Statement } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { sqlIn, Transaction } from '../../platform/database/transactions';

export type ContactRow = Awaited<ReturnType<PrismaClient['contact']['findUniqueOrThrow']>>;

export interface LearntContact {
  jid: string;
  phoneNumber?: string;
  lid?: string;
  pushName?: string;
}

@Injectable()
export class ContactsRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  /**
   * Records what traffic told us; known values are kept when a report lacks them. A report that changes
   * nothing writes nothing: the engine reports a message's sender as a contact right after the message,
   * whose own transaction has already learnt it.
   */
  learn(tx: Transaction, channelId: string, customerId: string, contacts: LearntContact[]): Promise<void> {
    return this.upsert(sqlIn(tx), channelId, customerId, contacts);
  }

  /** The same in a statement of its own (one statement: no transaction needed). */
  learnMany(channelId: string, customerId: string, contacts: LearntContact[]): Promise<void> {
    return this.upsert(this.sql, channelId, customerId, contacts);
  }

  /** One statement for the whole list; a jid named twice counts once, its later values winning. */
  private async upsert(sql: SqlQuery, channelId: string, customerId: string, contacts: LearntContact[]): Promise<void> {
    if (contacts.length === 0) return;
    const { text, values } = learnStatement(channelId, customerId, contacts, 1);
    await sql.query(text, values);
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

/** The fields a report carries (an absent one says nothing). */
function definedOf(contact: LearntContact): LearntContact {
  return Object.fromEntries(Object.entries(contact).filter(([, value]) => value !== undefined)) as unknown as LearntContact;
}

/**
 * `learn` as a statement, its parameters from `first`; with `onlyIf`, it rides on another (a message's insert:
 * the sender is learnt only when the message is stored).
 */
export function learnStatement(
  channelId: string,
  customerId: string,
  contacts: LearntContact[],
  first: number,
  onlyIf?: string,
): Statement {
  const byJid = new Map<string, LearntContact>();
  for (const contact of contacts) {
    const seen = byJid.get(contact.jid);
    byJid.set(contact.jid, seen ? { ...seen, ...definedOf(contact) } : contact);
  }
  const learnt = [...byJid.values()];
  const $ = (n: number) => `$${first + n}`;
  return {
    text: `INSERT INTO contacts (channel_id, jid, customer_id, phone_number, lid, push_name, updated_at)
       SELECT ${$(0)}::uuid, c.jid, ${$(1)}::text, c.phone_number, c.lid, c.push_name, now()
       FROM unnest(${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[], ${$(5)}::text[]) AS c(jid, phone_number, lid, push_name)
       ${onlyIf ? `WHERE ${onlyIf}` : ''}
       ON CONFLICT (channel_id, jid) DO UPDATE SET
         phone_number = COALESCE(EXCLUDED.phone_number, contacts.phone_number),
         lid = COALESCE(EXCLUDED.lid, contacts.lid),
         push_name = COALESCE(EXCLUDED.push_name, contacts.push_name),
         updated_at = now()
       WHERE (contacts.phone_number, contacts.lid, contacts.push_name) IS DISTINCT FROM
         (COALESCE(EXCLUDED.phone_number, contacts.phone_number), COALESCE(EXCLUDED.lid, contacts.lid), COALESCE(EXCLUDED.push_name, contacts.push_name))`,
    values: [
      channelId,
      customerId,
      learnt.map((c) => c.jid),
      learnt.map((c) => c.phoneNumber ?? null),
      learnt.map((c) => c.lid ?? null),
      learnt.map((c) => c.pushName ?? null),
    ],
  };
}
