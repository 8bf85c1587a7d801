import { Injectable } from '@nestjs/common';
import type { WASocket } from '@whiskeysockets/baileys';
import { settlesWithin } from '../../../platform/async';
import { AppError } from '../../../platform/errors/app-error';
import { type ChatState, PresencePort } from '../../ports/presence.port';
import { BaileysSockets } from '../baileys-sockets';

const CHAT_STATE = { typing: 'composing', recording: 'recording', paused: 'paused' } as const;

/**
 * WhatsApp's presence stanza carries the account's own push name, and Baileys drops an `available`/`unavailable`
 * update without a word while it does not know that name yet. It learns it from the phone a moment after the
 * first pairing (the phone's first messages to the device, or its app state); this long is waited for it.
 */
export const OWN_NAME_WAIT_MS = 5_000;

@Injectable()
export class BaileysPresence extends PresencePort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  setOwn(channelId: string, presence: 'online' | 'offline'): Promise<void> {
    return this.sockets.call(channelId, 'presence.own', async (socket) => {
      if (!(await ownNameKnown(socket, OWN_NAME_WAIT_MS))) {
        throw new AppError(
          'channel_unavailable',
          'WhatsApp has not told this channel its own profile name yet, and a presence cannot be sent without it; try again in a few seconds.',
          { details: { reason: 'own_name_unknown', operation: 'presence.own' } },
        );
      }
      await socket.sendPresenceUpdate(presence === 'online' ? 'available' : 'unavailable');
    });
  }

  sendChatState(channelId: string, jid: string, state: ChatState): Promise<void> {
    return this.sockets.call(channelId, 'presence.chat_state', (socket) => socket.sendPresenceUpdate(CHAT_STATE[state], jid));
  }

  subscribe(channelId: string, jid: string): Promise<void> {
    return this.sockets.call(channelId, 'presence.subscribe', (socket) => socket.presenceSubscribe(jid));
  }
}

/** Whether the socket knows the account's push name, waiting up to `ms` for the phone to tell it. */
async function ownNameKnown(socket: Pick<WASocket, 'authState' | 'ev'>, ms: number): Promise<boolean> {
  if (socket.authState.creds.me?.name) return true;
  let onUpdate: ((update: { me?: { name?: string } }) => void) | undefined;
  const told = new Promise<void>((resolve) => {
    onUpdate = (update) => {
      if (update.me?.name) resolve();
    };
    socket.ev.on('creds.update', onUpdate);
  });
  try {
    return await settlesWithin(told, ms);
  } finally {
    socket.ev.off('creds.update', onUpdate!);
  }
}
