import type { StoredMessageLookup, WireContent, WireMessageKey } from '../message-content';

/**
 * Sending and reading messages over a channel's live socket. Operations need an open session:
 * `channel_unavailable` otherwise; WhatsApp's refusals arrive as the spec's codes with `details.reason`
 * (see baileys/baileys-errors.ts).
 */
export abstract class MessagingPort {
  /** A fresh WhatsApp message id, chosen before the send so that a retried send reuses it. */
  abstract newMessageId(): string;

  /** Sends to a phone-number jid, LID or group jid, under the given WhatsApp message id. */
  abstract send(
    channelId: string,
    to: string,
    content: WireContent,
    options: { waMessageId: string },
  ): Promise<{ waMessageId: string; timestamp: Date }>;

  /** Sends read receipts for received messages. */
  abstract readMessages(channelId: string, keys: WireMessageKey[]): Promise<void>;

  /** Where the engine looks up a message WhatsApp asks it to re-send (retry receipts); undefined on a miss. */
  abstract setMessageLookup(lookup: StoredMessageLookup): void;
}
