/**
 * Presence over a channel's live socket. WhatsApp pushes presence and never answers a query for it: a
 * contact's presence is known only after subscribing to it, and only while the channel's own presence is
 * online (WhatsApp sends contacts' presence to accounts that show theirs).
 */

/** What a contact is doing, as WhatsApp reported it. */
export type WirePresence = 'online' | 'offline' | 'typing' | 'recording' | 'paused';

export type ChatState = 'typing' | 'recording' | 'paused';

export abstract class PresencePort {
  /** The account's own presence, seen by its contacts. */
  abstract setOwn(channelId: string, presence: 'online' | 'offline'): Promise<void>;
  /** A chat state (typing, recording a voice note, stopped) to a contact or a group. */
  abstract sendChatState(channelId: string, jid: string, state: ChatState): Promise<void>;
  /** Asks WhatsApp to push the contact's presence (and last seen, when they share it). */
  abstract subscribe(channelId: string, jid: string): Promise<void>;
}
