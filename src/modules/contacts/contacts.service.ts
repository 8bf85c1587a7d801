import { Injectable } from '@nestjs/common';
import type { WireContact } from '../../engine/message-content';
import { ContactsPort } from '../../engine/ports/contacts.port';
import type { RidingStatement } from '../../platform/database';
import type { Transaction } from '../../platform/database/transactions';
import { decodeCursor, PageQuery, toPage } from '../../platform/pagination';
import type { ChannelRef } from '../channels/channels.contracts';
import { isJid, isLid, isUserJid, parseRecipient, phoneOf } from '../whatsapp/jid';
import { toContact } from './contacts.contracts';
import { ContactsRepository, LearntContact, learnStatement } from './contacts.repository';

/** Contacts as the phone ↔ LID directory the messages need: one row per phone-number JID where known. */
function normalise(contact: WireContact): LearntContact | null {
  if (isUserJid(contact.jid)) {
    return {
      jid: contact.jid,
      phoneNumber: contact.phoneNumber ?? phoneOf(contact.jid) ?? undefined,
      lid: contact.lid,
      pushName: contact.pushName,
    };
  }
  if (isLid(contact.jid)) return { jid: contact.jid, lid: contact.jid, pushName: contact.pushName };
  return null;
}

/** Contacts backfilled from traffic (push names, phone ↔ LID), and profile lookups on WhatsApp. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly whatsapp: ContactsPort,
  ) {}

  /** For the messages module: inside the transaction that stores messages (a message's sender, a history's senders). */
  async learnInTransaction(tx: Transaction, channelId: string, customerId: string, contacts: WireContact[]): Promise<void> {
    const learnt = contacts.map(normalise).filter((c): c is LearntContact => c !== null);
    if (learnt.length > 0) await this.contacts.learn(tx, channelId, customerId, learnt);
  }

  /**
   * For the messages module: learnt in the statement that stores a message, only if it stores it (a riding
   * statement, see Outbox.runAsOne); undefined when there is nothing to learn.
   */
  learnAlong(channelId: string, customerId: string, contacts: WireContact[]): RidingStatement | undefined {
    const learnt = contacts.map(normalise).filter((c): c is LearntContact => c !== null);
    if (learnt.length === 0) return undefined;
    return (first, onlyIf) => learnStatement(channelId, customerId, learnt, first, onlyIf);
  }

  async learn(channelId: string, customerId: string, contacts: WireContact[]): Promise<void> {
    const learnt = contacts.map(normalise).filter((c): c is LearntContact => c !== null);
    if (learnt.length > 0) await this.contacts.learnMany(channelId, customerId, learnt);
  }

  async list(channel: ChannelRef, query: PageQuery) {
    const rows = await this.contacts.list(channel.id, decodeCursor(query.cursor, isJid), query.limit + 1);
    return toPage(rows, query.limit, toContact, (row) => row.jid);
  }

  async lids(channel: ChannelRef, query: PageQuery) {
    const rows = await this.contacts.list(channel.id, decodeCursor(query.cursor, isJid), query.limit + 1, true);
    return toPage(
      rows,
      query.limit,
      (row) => ({ phone_number: row.phoneNumber!, jid: row.jid, lid: row.lid! }),
      (row) => row.jid,
    );
  }

  /**
   * Every known contact of the channel, as WhatsApp addresses them for a story's audience: the phone-number
   * JID, or the LID of a contact known only by it; most recently heard of first, at most `max`.
   */
  async audience(channelId: string, max: number): Promise<string[]> {
    const rows = await this.contacts.recent(channelId, max * 2);
    const paired = new Set(rows.filter((r) => isUserJid(r.jid) && r.lid).map((r) => r.lid));
    return rows
      .filter((r) => isUserJid(r.jid) || (isLid(r.jid) && !paired.has(r.jid)))
      .map((r) => r.jid)
      .slice(0, max);
  }

  /** The phone-number JID a LID is known for on the channel, or null. */
  async phoneJidOfLid(channelId: string, lid: string): Promise<string | null> {
    const row = await this.contacts.findByLid(channelId, lid);
    return row && isUserJid(row.jid) ? row.jid : null;
  }

  /** On a connected channel (ChannelAccessGuard checks it). */
  async profile(channel: ChannelRef, jidParam: string) {
    // Express has decoded the path segment once already; decoding again would read %2540 as @ (and throw on %).
    const jid = parseRecipient(jidParam, ['jid']);
    const profile = await this.whatsapp.fetchProfile(channel.id, jid);
    const row = await this.contacts.saveProfile(channel.id, channel.customerId, jid, profile);
    return { ...toContact(row), on_whatsapp: profile.exists };
  }
}
