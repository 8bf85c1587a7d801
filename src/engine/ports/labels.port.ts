/** A WhatsApp Business label as WhatsApp syncs it: a client-chosen numeric id, a name and a palette index. */
export interface WireLabel {
  id: string;
  name: string;
  /** WhatsApp's palette index, 0–19. */
  color: number;
  deleted: boolean;
}

/** What a label is put on: a chat, or one message of a chat (by its WhatsApp id). */
export type WireLabelTarget = { chatJid: string; waMessageId?: string };

/**
 * Labels of a WhatsApp Business account, written as app-state patches over the channel's live socket.
 * WhatsApp has no request that lists labels: they arrive only as session events (`labels`), at the initial
 * sync after pairing and whenever another device changes them.
 */
export abstract class LabelsPort {
  /** Whether the account runs the WhatsApp Business app; null when no worker holds a live socket of the channel. */
  abstract isBusiness(channelId: string): Promise<boolean | null>;

  /** Creates, renames, recolours or (with `deleted`) deletes a label. */
  abstract edit(channelId: string, label: WireLabel): Promise<void>;

  /** Puts the label on the chat or message (`labeled`), or takes it off. */
  abstract associate(channelId: string, labelId: string, target: WireLabelTarget, labeled: boolean): Promise<void>;
}
