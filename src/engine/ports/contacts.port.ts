import type { ContactProfile } from '../message-content';

/** What WhatsApp tells about a user, over a channel's live socket. */
export abstract class ContactsPort {
  /** Push name is not queryable; this returns whether the number is on WhatsApp, its about text and picture. */
  abstract fetchProfile(channelId: string, jid: string): Promise<ContactProfile>;
}
