import type { WireMessageKey } from '../../engine/message-content';
import { AppError } from '../../platform/errors/app-error';

/*
 * WhatsApp addresses (JIDs) as the gateway speaks of them: `<number>@s.whatsapp.net` for a user by phone
 * number, `<id>@lid` for a user by LID, `<id>@g.us` for a group. A plain library shared by every module that
 * names chats, contacts or messages; it holds no state and knows nothing of Nest.
 */

const USER_SERVER = 's.whatsapp.net';

/** E.164 numbers, user JIDs, LIDs and group JIDs → the JID to send to; anything else is invalid_request on `field`. */
export function parseRecipient(to: string, field: (string | number)[] = ['to']): string {
  const value = to.trim();
  let match: RegExpMatchArray | null;
  if ((match = value.match(/^\+?([1-9]\d{6,14})$/))) return toUserJid(match[1]);
  if ((match = value.match(/^([1-9]\d{6,14})(?::\d+)?@(s\.whatsapp\.net|c\.us)$/))) return toUserJid(match[1]);
  if (/^\d{1,20}@lid$/.test(value)) return value;
  if (/^\d{5,30}(-\d{1,20})?@g\.us$/.test(value)) return value;
  throw new AppError('invalid_request', `Invalid ${field.join('.')}: not an E.164 number, user JID, LID or group JID.`, {
    details: {
      issues: [
        {
          path: field,
          code: 'invalid_recipient',
          message: 'must be an E.164 number (+15551234567), a user JID (…@s.whatsapp.net), a LID (…@lid) or a group JID (…@g.us)',
        },
      ],
    },
  });
}

/** A person to add to, remove from or promote in a group: an E.164 number, a user JID or a LID (not a group). */
export function parseParticipant(value: string, field: (string | number)[] = ['participants']): string {
  const jid = parseRecipient(value, field);
  if (!isGroupJid(jid)) return jid;
  throw new AppError('invalid_request', `Invalid ${field.join('.')}: a group cannot be a participant.`, {
    details: {
      issues: [
        { path: field, code: 'invalid_participant', message: 'must be an E.164 number, a user JID (…@s.whatsapp.net) or a LID (…@lid)' },
      ],
    },
  });
}

/** A group's JID as WhatsApp names it (`…@g.us`); anything else is invalid_request on `field`. */
export function parseGroupJid(value: string, field: (string | number)[] = ['groupId']): string {
  const jid = value.trim();
  if (/^\d{5,30}(-\d{1,20})?@g\.us$/.test(jid)) return jid;
  throw new AppError('invalid_request', `Invalid ${field.join('.')}: not a group JID.`, {
    details: { issues: [{ path: field, code: 'invalid_group_id', message: 'must be a group JID such as 120363012345678901@g.us' }] },
  });
}

const NEWSLETTER_JID = /^\d{5,30}@newsletter$/;

/** A newsletter's (WhatsApp Channel's) JID (`…@newsletter`); anything else is invalid_request on `field`. */
export function parseNewsletterJid(value: string, field: (string | number)[] = ['newsletterId']): string {
  const jid = value.trim();
  if (NEWSLETTER_JID.test(jid)) return jid;
  throw new AppError('invalid_request', `Invalid ${field.join('.')}: not a newsletter JID.`, {
    details: {
      issues: [{ path: field, code: 'invalid_newsletter_id', message: 'must be a newsletter JID such as 120363401234567890@newsletter' }],
    },
  });
}

export function isNewsletterJid(jid: string): boolean {
  return NEWSLETTER_JID.test(jid);
}

/**
 * A chat as messages name it: anything `parseRecipient` reads, or a newsletter the channel posts to or follows
 * (`…@newsletter`), whose posts are messages too.
 */
export function parseChat(value: string, field: (string | number)[] = ['to']): string {
  const jid = value.trim();
  return NEWSLETTER_JID.test(jid) ? jid : parseRecipient(value, field);
}

/**
 * Whether a value has the shape of a JID the gateway stores (user, LID, group, broadcast list): the keys of
 * chats and contacts, which their cursors carry.
 */
export function isJid(value: string): boolean {
  return /^[0-9A-Za-z._:+-]{1,128}@[a-z0-9.]{1,64}$/.test(value);
}

/** The user JID of a phone number, given with or without `+` and separators. */
export function toUserJid(phone: string): string {
  return `${phone.replace(/\D/g, '')}@${USER_SERVER}`;
}

/** A user addressed by phone number (`…@s.whatsapp.net`). */
export function isUserJid(jid: string): boolean {
  return jid.endsWith(`@${USER_SERVER}`);
}

export function isLid(jid: string): boolean {
  return jid.endsWith('@lid');
}

export function isGroupJid(jid: string): boolean {
  return jid.endsWith('@g.us');
}

/** The phone number of a user JID, E.164; null for LIDs and groups. */
export function phoneOf(jid: string): string | null {
  const match = jid.match(/^(\d+)(?::\d+)?@s\.whatsapp\.net$/);
  return match ? `+${match[1]}` : null;
}

/** The number of a user JID without `+` (what the simulator's phones are named by); null for LIDs and groups. */
export function numberOf(jid: string): string | null {
  return phoneOf(jid)?.slice(1) ?? null;
}

/** What a stored message needs to be named on WhatsApp (reactions, read receipts, chat changes). */
export interface StoredMessageKeyFields {
  chatJid: string;
  waMessageId: string;
  direction: string;
  senderJid: string | null;
}

/** A stored message's WhatsApp key: in a group, a message this account received names its author too. */
export function keyOfStoredMessage(row: StoredMessageKeyFields): WireMessageKey {
  const fromMe = row.direction === 'outbound';
  return {
    chatJid: row.chatJid,
    waMessageId: row.waMessageId,
    fromMe,
    ...(isGroupJid(row.chatJid) && !fromMe && row.senderJid ? { participant: row.senderJid } : {}),
  };
}
