import { type ChatModification, chatModificationToAppPatch, type WAPatchCreate } from '@whiskeysockets/baileys';
import type { AppStateEntry } from '../state/app-state';

/** A label as the phone shows it (WhatsApp Business), read back from the `regular` collection. */
export interface PhoneLabel {
  id: string;
  name: string;
  /** WhatsApp's palette index, 0–19. */
  color: number;
  deleted: boolean;
}

/** What the phone sees of its labels: the labels and what carries each (chats by jid, messages by chat and id). */
export interface PhoneLabels {
  labels: PhoneLabel[];
  chats: { labelId: string; chat: string }[];
  messages: { labelId: string; chat: string; messageId: string }[];
}

/** A label change made on the phone, as the phone encodes it: the same patch Baileys builds (`chatModify`). */
export type PhoneLabelChange =
  | { kind: 'edit'; id: string; name: string; color: number; deleted?: boolean }
  | { kind: 'chat'; labelId: string; chat: string; labeled: boolean }
  | { kind: 'message'; labelId: string; chat: string; messageId: string; labeled: boolean };

export function labelPatch(change: PhoneLabelChange): WAPatchCreate {
  let modification: ChatModification;
  let jid = '';
  switch (change.kind) {
    case 'edit':
      modification = { addLabel: { id: change.id, name: change.name, color: change.color, deleted: change.deleted ?? false } };
      break;
    case 'chat':
      jid = change.chat;
      modification = change.labeled ? { addChatLabel: { labelId: change.labelId } } : { removeChatLabel: { labelId: change.labelId } };
      break;
    case 'message': {
      jid = change.chat;
      const target = { labelId: change.labelId, messageId: change.messageId };
      modification = change.labeled ? { addMessageLabel: target } : { removeMessageLabel: target };
      break;
    }
  }
  return chatModificationToAppPatch(modification, jid);
}

/** The labels in a decoded `regular` collection (its other entries, quick replies and the like, are skipped). */
export function labelsOf(entries: AppStateEntry[]): PhoneLabels {
  const result: PhoneLabels = { labels: [], chats: [], messages: [] };
  for (const { index, value } of entries) {
    const [kind, id, chat, messageId] = index;
    if (kind === 'label_edit' && value.labelEditAction) {
      const { name, color, deleted } = value.labelEditAction;
      result.labels.push({ id, name: name ?? '', color: color ?? 0, deleted: !!deleted });
    } else if (kind === 'label_jid' && value.labelAssociationAction?.labeled) {
      result.chats.push({ labelId: id, chat });
    } else if (kind === 'label_message' && value.labelAssociationAction?.labeled) {
      result.messages.push({ labelId: id, chat, messageId });
    }
  }
  return result;
}
