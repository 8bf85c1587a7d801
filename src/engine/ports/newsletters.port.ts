import type { WireContent } from '../message-content';

/**
 * Newsletters (WhatsApp Channels) over a channel's live socket. Nothing is mirrored: every read asks
 * WhatsApp. Posts are messages (the messaging port sends them, in plaintext); this port is the rest.
 */

export type NewsletterRole = 'owner' | 'admin' | 'subscriber' | 'guest';

/** What followers may react with: any emoji, a basic set, none, or any but a blocked list. */
export type NewsletterReactions = 'all' | 'basic' | 'none' | 'blocklist';

export interface WireNewsletter {
  /** `…@newsletter`. */
  jid: string;
  name: string;
  description: string | null;
  /** The code of its https://whatsapp.com/channel/<code> link. */
  inviteCode: string | null;
  handle: string | null;
  subscribers: number | null;
  verified: boolean;
  createdAt: Date | null;
  /** `ACTIVE`, `SUSPENDED`, `GEOSUSPENDED`…, as WhatsApp says. */
  state: string | null;
  /** Where WhatsApp's media host serves the picture; null without one. */
  picturePath: string | null;
  /** This account's role; null when WhatsApp does not say. */
  role: NewsletterRole | null;
  muted: boolean;
  reactions: NewsletterReactions | null;
}

export interface NewsletterChange {
  name?: string;
  description?: string;
  /** A JPEG (any image: it is made the square WhatsApp takes), or null to remove the picture. */
  picture?: Buffer | null;
  reactions?: NewsletterReactions;
}

export interface WireNewsletterPost {
  /** The newsletter's number for the post (reactions name it). */
  serverId: number;
  waMessageId: string;
  timestamp: Date | null;
  /** null when the post could not be read. */
  content: WireContent | null;
  views: number;
  reactions: { emoji: string; count: number }[];
}

export abstract class NewslettersPort {
  /** The newsletters this account follows or runs. */
  abstract list(channelId: string): Promise<WireNewsletter[]>;
  abstract create(channelId: string, name: string, description?: string): Promise<WireNewsletter>;
  abstract get(channelId: string, newsletterJid: string): Promise<WireNewsletter>;
  /** A newsletter as its invite code shows it. */
  abstract byInvite(channelId: string, code: string): Promise<WireNewsletter>;
  abstract update(channelId: string, newsletterJid: string, change: NewsletterChange): Promise<void>;
  abstract delete(channelId: string, newsletterJid: string): Promise<void>;
  abstract follow(channelId: string, newsletterJid: string): Promise<void>;
  abstract unfollow(channelId: string, newsletterJid: string): Promise<void>;
  abstract mute(channelId: string, newsletterJid: string, muted: boolean): Promise<void>;
  /** The owner takes an admin's rights away. */
  abstract demote(channelId: string, newsletterJid: string, userJid: string): Promise<void>;
  /** Posts, newest first: `count` of them before the server id `before` (the newest when absent). */
  abstract posts(channelId: string, newsletterJid: string, count: number, before?: number): Promise<WireNewsletterPost[]>;
  /** Reacts to a post; null takes the reaction back. */
  abstract react(channelId: string, newsletterJid: string, serverId: number, emoji: string | null): Promise<void>;
}
