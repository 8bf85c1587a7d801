import type { Logger } from '@nestjs/common';
import { isLidUser, jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys';
import type { LabelsEvent } from '../ports/session-events';

/**
 * Turns Baileys' label events (app-state `label_edit`, `label_jid` and `label_message` mutations, from the
 * initial sync, other devices, and this socket's own patches) into session events. A chat WhatsApp names by
 * LID is reported by its phone number when the pair is known, as messages are, so a chat keeps one id.
 */
export function attachLabelEvents(socket: WASocket, emit: (event: LabelsEvent) => void, logger: Logger, channelId: string): void {
  let lane: Promise<void> = Promise.resolve();
  const guard = (what: string, work: () => void | Promise<void>) => {
    lane = lane.then(work).catch((error: unknown) => logger.error({ err: error, channel_id: channelId }, `${what} not handled`));
  };
  socket.ev.on('labels.edit', (label) =>
    guard('labels.edit', () =>
      emit({ type: 'label_edited', label: { id: label.id, name: label.name ?? '', color: label.color ?? 0, deleted: !!label.deleted } }),
    ),
  );
  socket.ev.on('labels.association', ({ association, type }) =>
    guard('labels.association', async () => {
      const chatJid = await chatOf(socket, association.chatId);
      const target = 'messageId' in association ? { chatJid, waMessageId: association.messageId } : { chatJid };
      emit({ type: 'label_association', labelId: association.labelId, target, labeled: type === 'add' });
    }),
  );
}

async function chatOf(socket: WASocket, jid: string): Promise<string> {
  const chat = jidNormalizedUser(jid);
  if (!isLidUser(chat)) return chat;
  const phone = await socket.signalRepository.lidMapping.getPNForLID(chat).catch(() => null);
  return phone ? jidNormalizedUser(phone) : chat;
}
