/** The account's blocklist, over the channel's live socket. */
export abstract class BlocklistPort {
  /** The blocked users as WhatsApp lists them now: phone-number jids where the LID's number is known, else LIDs. */
  abstract list(channelId: string): Promise<string[]>;

  /** Whether a user (phone-number jid or LID) is on the blocklist now. */
  abstract isBlocked(channelId: string, jid: string): Promise<boolean>;

  /** Blocks a user named by phone-number jid or LID. */
  abstract block(channelId: string, jid: string): Promise<void>;

  abstract unblock(channelId: string, jid: string): Promise<void>;
}
