import { Injectable } from '@nestjs/common';
import type { ChatChange, WireMessageKey } from '../../message-content';
import { ChatsPort } from '../../ports/chats.port';
import { appStateKeyReady } from '../app-state-key';
import { toBaileysKey } from '../baileys-messages';
import { BaileysSockets } from '../baileys-sockets';

@Injectable()
export class BaileysChats extends ChatsPort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  modify(channelId: string, chatJid: string, change: ChatChange, lastMessage?: { key: WireMessageKey; timestamp: Date }): Promise<void> {
    return this.sockets.call(channelId, 'chats.modify', async (socket) => {
      const lastMessages = lastMessage
        ? [{ key: toBaileysKey(lastMessage.key), messageTimestamp: Math.floor(lastMessage.timestamp.getTime() / 1000) }]
        : [];
      if ('ephemeralSeconds' in change) {
        await socket.sendMessage(chatJid, { disappearingMessagesInChat: change.ephemeralSeconds === 0 ? false : change.ephemeralSeconds });
        return;
      }
      // the other changes are app-state patches, encrypted with the key the phone shares after linking
      await appStateKeyReady(socket, 'chats.modify');
      if ('archive' in change) {
        await socket.chatModify({ archive: change.archive, lastMessages }, chatJid);
      } else if ('pin' in change) {
        await socket.chatModify({ pin: change.pin }, chatJid);
      } else if ('muteUntil' in change) {
        await socket.chatModify({ mute: change.muteUntil ? change.muteUntil.getTime() : null }, chatJid);
      } else {
        await socket.chatModify({ markRead: !change.markUnread, lastMessages }, chatJid);
      }
    });
  }
}
