/**
 * What an account sets about itself on WhatsApp, kept by the simulated server: privacy settings (by their
 * wire names), the about text, the profile picture, the default disappearing timer and the blocklist; and who
 * may see what under those settings.
 */

/** Each privacy category (its wire name) and the values WhatsApp accepts for it. */
export const PRIVACY_CATEGORIES = {
  last: ['all', 'contacts', 'contact_blacklist', 'none'],
  online: ['all', 'match_last_seen'],
  profile: ['all', 'contacts', 'contact_blacklist', 'none'],
  status: ['all', 'contacts', 'contact_blacklist', 'none'],
  readreceipts: ['all', 'none'],
  groupadd: ['all', 'contacts', 'contact_blacklist', 'none'],
  calladd: ['all', 'known'],
  messages: ['all', 'contacts'],
} as const;

export type PrivacyName = keyof typeof PRIVACY_CATEGORIES;
export type PrivacySettings = { [N in PrivacyName]: (typeof PRIVACY_CATEGORIES)[N][number] };

/** A new account's settings, as WhatsApp sets them for a new install. */
export function defaultPrivacy(): PrivacySettings {
  return {
    last: 'all',
    online: 'all',
    profile: 'all',
    status: 'all',
    readreceipts: 'all',
    groupadd: 'all',
    calladd: 'all',
    messages: 'all',
  };
}

export function isPrivacyName(name: string): name is PrivacyName {
  return Object.hasOwn(PRIVACY_CATEGORIES, name);
}

/** Whether `value` is one WhatsApp accepts for the category `name`. */
export function acceptsPrivacyValue(name: string, value: string | undefined): boolean {
  return isPrivacyName(name) && value !== undefined && (PRIVACY_CATEGORIES[name] as readonly string[]).includes(value);
}

export interface ProfilePicture {
  id: string;
  jpeg: Buffer;
  /** Where the media host serves it. */
  url: string;
  directPath: string;
}

/** Who a setting of `all` / `contacts` / `contact_blacklist` / `none` shows something to. */
export function shownTo(value: string, ownerContacts: ReadonlySet<string>, viewerJid: string): boolean {
  switch (value) {
    case 'all':
      return true;
    case 'contacts':
    case 'contact_blacklist':
      // the exceptions of "my contacts except…" are chosen on the phone; the simulated phones choose none
      return ownerContacts.has(viewerJid);
    default:
      return false;
  }
}

/** Last seen as a viewer is shown it: the time, or hidden (WhatsApp then sends `last="deny"`). */
export function lastSeenShown(privacy: PrivacySettings, ownerContacts: ReadonlySet<string>, viewerJid: string): boolean {
  return shownTo(privacy.last, ownerContacts, viewerJid);
}

/** Being online as a viewer is shown it: to everyone, or to the same people as last seen. */
export function onlineShown(privacy: PrivacySettings, ownerContacts: ReadonlySet<string>, viewerJid: string): boolean {
  return privacy.online === 'all' || lastSeenShown(privacy, ownerContacts, viewerJid);
}
