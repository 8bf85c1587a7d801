import { Injectable } from '@nestjs/common';
import { BlocklistPort } from '../../engine/ports/blocklist.port';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';
import { isGroupJid, parseRecipient } from '../whatsapp/jid';
import { toBlockedContact } from './blocklist.contracts';

/** The account's blocklist on WhatsApp: read live, so blocks made on the phone show at once. */
@Injectable()
export class BlocklistService {
  constructor(private readonly whatsapp: BlocklistPort) {}

  async list(channel: ChannelRef) {
    return { data: (await this.whatsapp.list(channel.id)).map(toBlockedContact) };
  }

  async block(channel: ChannelRef, contact: string) {
    const jid = contactJid(contact);
    await this.whatsapp.block(channel.id, jid);
    return toBlockedContact(jid);
  }

  async unblock(channel: ChannelRef, contact: string): Promise<void> {
    await this.whatsapp.unblock(channel.id, contactJid(contact));
  }
}

/** A contact as E.164, user JID or LID; a group is not something WhatsApp blocks. */
export function contactJid(contact: string): string {
  const jid = parseRecipient(contact, ['contact']);
  if (isGroupJid(jid)) {
    throw new AppError('invalid_request', 'Invalid contact: a group cannot be blocked; leave it instead.', {
      details: {
        issues: [{ path: ['contact'], code: 'invalid_recipient', message: 'must be a user (E.164, user JID or LID), not a group' }],
      },
    });
  }
  return jid;
}
