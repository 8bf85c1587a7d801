import { Injectable } from '@nestjs/common';
import type { WireContact } from '../../engine/message-content';
import { ContactsPort } from '../../engine/ports/contacts.port';
import { SessionManager } from '../../engine/session-manager';
import type { Prisma } from '../../platform/database';
import { AppError } from '../../platform/errors/app-error';
import { decodeCursor, encodeCursor, PageQuery } from '../../platform/pagination';
import { ApiKeyPrincipal } from '../auth/principal';
import { ChannelAccessService } from '../channels/channel-access.service';
import { isJid, parseRecipient } from '../messages/message-content';
import { ContactRow, ContactsRepository, LearntContact } from './contacts.repository';

export function toContact(row: ContactRow) {
  return {
    id: row.jid,
    channel_id: row.channelId,
    phone_number: row.phoneNumber,
    lid: row.lid,
    push_name: row.pushName,
    about: row.about,
    picture_url: row.pictureUrl,
    profile_refreshed_at: row.profileAt?.toISOString() ?? null,
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Contacts as the phone ↔ LID directory the messages need: one row per phone-number JID where known. */
function normalise(contact: WireContact): LearntContact | null {
  if (contact.jid.endsWith('@s.whatsapp.net')) {
    return { jid: contact.jid, phoneNumber: contact.phoneNumber ?? `+${contact.jid.split('@')[0]}`, lid: contact.lid, pushName: contact.pushName };
  }
  if (contact.jid.endsWith('@lid')) return { jid: contact.jid, lid: contact.jid, pushName: contact.pushName };
  return null;
}

/** Contacts backfilled from traffic (push names, phone ↔ LID), and profile lookups on WhatsApp. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly access: ChannelAccessService,
    private readonly sessions: SessionManager,
    private readonly whatsapp: ContactsPort,
  ) {}

  /** For the messages module: inside the transaction that stores a message. */
  async learnInTransaction(tx: Prisma.TransactionClient, channelId: string, customerId: string, contact: WireContact): Promise<void> {
    const learnt = normalise(contact);
    if (learnt) await this.contacts.learn(tx, channelId, customerId, learnt);
  }

  async learn(channelId: string, customerId: string, contacts: WireContact[]): Promise<void> {
    const learnt = contacts.map(normalise).filter((c): c is LearntContact => c !== null);
    if (learnt.length > 0) await this.contacts.learnMany(channelId, customerId, learnt);
  }

  async list(key: ApiKeyPrincipal, channelId: string, query: PageQuery) {
    const channel = await this.access.require(key, channelId, { allowDeleted: true });
    const rows = await this.contacts.list(channel.id, decodeCursor(query.cursor, isJid), query.limit + 1);
    return page(rows, query.limit, toContact);
  }

  async lids(key: ApiKeyPrincipal, channelId: string, query: PageQuery) {
    const channel = await this.access.require(key, channelId, { allowDeleted: true });
    const rows = await this.contacts.list(channel.id, decodeCursor(query.cursor, isJid), query.limit + 1, true);
    return page(rows, query.limit, (row) => ({ phone_number: row.phoneNumber!, jid: row.jid, lid: row.lid! }));
  }

  async profile(key: ApiKeyPrincipal, channelId: string, jidParam: string) {
    const channel = await this.access.require(key, channelId);
    // Express has decoded the path segment once already; decoding again would read %2540 as @ (and throw on %).
    const jid = parseRecipient(jidParam, ['jid']);
    if (!this.sessions.isOpen(channel.id)) {
      throw new AppError('channel_unavailable', 'Profiles are looked up on WhatsApp: the channel must be connected.', {
        details: { current_state: channel.state },
      });
    }
    const profile = await this.whatsapp.fetchProfile(channel.id, jid);
    const row = await this.contacts.saveProfile(channel.id, channel.customerId, jid, profile);
    return { ...toContact(row), on_whatsapp: profile.exists };
  }
}

function page<R extends { jid: string }, T>(rows: R[], limit: number, map: (row: R) => T) {
  const items = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return { data: items.map(map), has_more: hasMore, next_cursor: hasMore ? encodeCursor(items[items.length - 1].jid) : null };
}
