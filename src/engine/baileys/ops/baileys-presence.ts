import { Injectable } from '@nestjs/common';
import { type ChatState, PresencePort } from '../../ports/presence.port';
import { BaileysSockets } from '../baileys-sockets';

const CHAT_STATE = { typing: 'composing', recording: 'recording', paused: 'paused' } as const;

@Injectable()
export class BaileysPresence extends PresencePort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  setOwn(channelId: string, presence: 'online' | 'offline'): Promise<void> {
    return this.sockets.call(channelId, 'presence.own', (socket) =>
      socket.sendPresenceUpdate(presence === 'online' ? 'available' : 'unavailable'),
    );
  }

  sendChatState(channelId: string, jid: string, state: ChatState): Promise<void> {
    return this.sockets.call(channelId, 'presence.chat_state', (socket) => socket.sendPresenceUpdate(CHAT_STATE[state], jid));
  }

  subscribe(channelId: string, jid: string): Promise<void> {
    return this.sockets.call(channelId, 'presence.subscribe', (socket) => socket.presenceSubscribe(jid));
  }
}
