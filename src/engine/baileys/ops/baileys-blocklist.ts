import { Injectable } from '@nestjs/common';
import { isLidUser, isPnUser, jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys';
import { AppError } from '../../../platform/errors/app-error';
import { BlocklistPort } from '../../ports/blocklist.port';
import { BaileysSockets } from '../baileys-sockets';

@Injectable()
export class BaileysBlocklist extends BlocklistPort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  list(channelId: string): Promise<string[]> {
    return this.sockets.call(channelId, 'blocklist.list', (socket) => blocked(socket));
  }

  isBlocked(channelId: string, jid: string): Promise<boolean> {
    return this.sockets.call(channelId, 'blocklist.check', async (socket) => {
      const wanted = jidNormalizedUser(jid);
      const lid = isPnUser(wanted) ? await lidOf(socket, wanted) : wanted;
      const list = await socket.fetchBlocklist();
      return list.some((entry) => {
        const normal = jidNormalizedUser(entry);
        return normal === wanted || normal === lid;
      });
    });
  }

  block(channelId: string, jid: string): Promise<void> {
    return this.sockets.call(channelId, 'blocklist.block', (socket) => update(socket, jid, 'block'));
  }

  unblock(channelId: string, jid: string): Promise<void> {
    return this.sockets.call(channelId, 'blocklist.unblock', (socket) => update(socket, jid, 'unblock'));
  }
}

/** WhatsApp lists blocked users by LID now; each is shown by its phone number where the pair is known. */
async function blocked(socket: WASocket): Promise<string[]> {
  const list = await socket.fetchBlocklist();
  const jids: string[] = [];
  for (const entry of list) {
    const jid = jidNormalizedUser(entry);
    const phone = isLidUser(jid) ? await socket.signalRepository.lidMapping.getPNForLID(jid).catch(() => null) : null;
    jids.push(phone ? jidNormalizedUser(phone) : jid);
  }
  return [...new Set(jids)].sort();
}

/**
 * WhatsApp blocks by LID (with the phone number beside it). Baileys looks the LID of a number up (usync) and
 * refuses a number without one with a bare 400; that number is not on WhatsApp, said here as such.
 */
async function update(socket: WASocket, jid: string, action: 'block' | 'unblock'): Promise<void> {
  const normal = jidNormalizedUser(jid);
  if (isPnUser(normal) && !(await lidOf(socket, normal))) {
    throw new AppError('not_found', `${normal.split('@')[0]} is not on WhatsApp.`, { details: { reason: 'not_on_whatsapp', jid: normal } });
  }
  if (isLidUser(normal) && action === 'block' && !(await socket.signalRepository.lidMapping.getPNForLID(normal))) {
    throw new AppError('not_found', `The phone number of ${normal} is not known; block it by phone number.`, {
      details: { reason: 'lid_unknown', jid: normal },
    });
  }
  await socket.updateBlockStatus(normal, action);
}

async function lidOf(socket: WASocket, phoneJid: string): Promise<string | null> {
  const lid = await socket.signalRepository.lidMapping.getLIDForPN(phoneJid);
  return lid ? jidNormalizedUser(lid) : null;
}
