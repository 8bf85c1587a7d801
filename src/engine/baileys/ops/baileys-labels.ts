import { Injectable } from '@nestjs/common';
import type { WASocket } from '@whiskeysockets/baileys';
import { LabelsPort, type WireLabel, type WireLabelTarget } from '../../ports/labels.port';
import { appStateKeyReady } from '../app-state-key';
import { BaileysSockets } from '../baileys-sockets';

/** The platforms WhatsApp reports at pairing for the WhatsApp Business app (Android, iOS). */
const BUSINESS_PLATFORMS = new Set(['smba', 'smbi']);

@Injectable()
export class BaileysLabels extends LabelsPort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  async isBusiness(channelId: string): Promise<boolean | null> {
    const socket = this.sockets.socketOf(channelId);
    return socket ? isBusinessSocket(socket) : null;
  }

  edit(channelId: string, label: WireLabel): Promise<void> {
    return this.sockets.call(channelId, 'labels.edit', async (socket) => {
      await appStateKeyReady(socket, 'labels.edit');
      await socket.addLabel('', { id: label.id, name: label.name, color: label.color, deleted: label.deleted });
    });
  }

  associate(channelId: string, labelId: string, target: WireLabelTarget, labeled: boolean): Promise<void> {
    return this.sockets.call(channelId, 'labels.associate', async (socket) => {
      await appStateKeyReady(socket, 'labels.associate');
      const { chatJid, waMessageId } = target;
      if (waMessageId === undefined) {
        await (labeled ? socket.addChatLabel(chatJid, labelId) : socket.removeChatLabel(chatJid, labelId));
      } else {
        await (labeled ? socket.addMessageLabel(chatJid, waMessageId, labelId) : socket.removeMessageLabel(chatJid, waMessageId, labelId));
      }
    });
  }
}

/** Labels exist only in WhatsApp Business (a personal account's app state carries none). */
function isBusinessSocket(socket: WASocket): boolean {
  const platform = socket.authState.creds.platform;
  return platform ? BUSINESS_PLATFORMS.has(platform) : false;
}
