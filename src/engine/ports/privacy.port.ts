/**
 * The account's privacy settings in WhatsApp's own vocabulary, and the values WhatsApp accepts for each:
 * `contact_blacklist` is "my contacts except…" (the exceptions are chosen on the phone), `match_last_seen`
 * shows online to the same people as last seen, `known` lets calls ring only from contacts and people called
 * before.
 */
export const PRIVACY_VALUES = {
  lastSeen: ['all', 'contacts', 'contact_blacklist', 'none'],
  online: ['all', 'match_last_seen'],
  profilePicture: ['all', 'contacts', 'contact_blacklist', 'none'],
  about: ['all', 'contacts', 'contact_blacklist', 'none'],
  readReceipts: ['all', 'none'],
  groupsAdd: ['all', 'contacts', 'contact_blacklist'],
  calls: ['all', 'known'],
} as const;

export type PrivacyCategory = keyof typeof PRIVACY_VALUES;
export type PrivacyValues = { [C in PrivacyCategory]: (typeof PRIVACY_VALUES)[C][number] };

/** The disappearing-message timers WhatsApp offers as the default for new chats, in seconds (0 = off). */
export const DISAPPEARING_TIMERS = [0, 86_400, 604_800, 7_776_000] as const;
export type DisappearingTimer = (typeof DISAPPEARING_TIMERS)[number];

export interface PrivacySettings extends Partial<PrivacyValues> {
  /** The timer new chats start with, in seconds; 0 = off. */
  defaultDisappearingSeconds: number;
}

export type PrivacyChange = Partial<PrivacyValues> & { defaultDisappearingSeconds?: DisappearingTimer };

/** The account's privacy settings, over the channel's live socket. */
export abstract class PrivacyPort {
  /** Read from WhatsApp now (a setting WhatsApp does not report is left out). */
  abstract fetch(channelId: string): Promise<PrivacySettings>;

  /** Applies each given setting, one request per setting, in a fixed order; stops at the first refusal. */
  abstract update(channelId: string, change: PrivacyChange): Promise<void>;
}
