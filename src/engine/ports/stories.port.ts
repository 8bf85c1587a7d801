/**
 * Stories (WhatsApp status updates) over a channel's live socket. A story is a message to `status@broadcast`
 * that WhatsApp fans out to the audience the sender names (the status jid list): WhatsApp does not expand an
 * empty list, so the caller always names the viewers. The account's own jid is added by the engine, so that its
 * other devices show the story too. Views come back as read receipts from `status@broadcast` (messaging events
 * whose key is a story's, the viewer as participant).
 */

/** The chat WhatsApp files stories under, sent and received. */
export const STORY_CHAT = 'status@broadcast';

/** WhatsApp's fonts for text stories, by the numbers the protocol carries. */
export const STORY_FONTS = {
  system: 0,
  system_text: 1,
  fb_script: 2,
  system_bold: 6,
  morningbreeze_regular: 7,
  calistoga_regular: 8,
  exo2_extrabold: 9,
  courierprime_bold: 10,
} as const;

export type StoryFont = keyof typeof STORY_FONTS;

export type WireStoryContent =
  | {
      type: 'text';
      text: string;
      /** `#RRGGBB` (opaque) or `#AARRGGBB`. */
      backgroundColor?: string;
      font?: StoryFont;
    }
  | { type: 'image' | 'video'; data: Buffer; mimeType?: string; caption?: string };

export abstract class StoriesPort {
  /**
   * Posts a story to `audience` (phone-number jids or LIDs), under the WhatsApp message id given (chosen before
   * the send, so the story is stored under it first).
   */
  abstract post(
    channelId: string,
    content: WireStoryContent,
    audience: string[],
    options: { waMessageId: string },
  ): Promise<{ waMessageId: string; timestamp: Date }>;

  /** Revokes a story the account posted: the revoke goes to the same audience (WhatsApp needs it named again). */
  abstract revoke(channelId: string, waMessageId: string, audience: string[]): Promise<void>;
}
