import type { ChatChange, WireMessageKey } from '../message-content';

/** Chat settings on WhatsApp (app-state patches), over a channel's live socket. */
export abstract class ChatsPort {
  /** Applies a chat setting; `lastMessage` anchors archive and unread changes. */
  abstract modify(
    channelId: string,
    chatJid: string,
    change: ChatChange,
    lastMessage?: { key: WireMessageKey; timestamp: Date },
  ): Promise<void>;
}
