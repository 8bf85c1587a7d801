import { Injectable } from '@nestjs/common';
import { isLidUser, isPnUser, jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys';
import { AppError } from '../../../platform/errors/app-error';
import { BlocklistPort } from '../../ports/blocklist.port';
import { BaileysSockets } from '../baileys-sockets';

@Injectable()
export class BaileysBlocklist extends BlocklistPort {
  /**
   * Each socket's blocklist (normalized JIDs, as WhatsApp lists them), asked of WhatsApp once and then kept
   * true by the socket's `blocklist.update` (blocks made on the phone or another device) and by this class's
   * own changes: every send asks `isBlocked`, which must not cost a round trip to WhatsApp each time. Keyed by
   * the socket, so a reconnect starts from a fresh list.
   */
  private readonly known = new WeakMap<WASocket, Promise<Set<string>>>();

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
      const list = await this.knownList(socket);
      return list.has(wanted) || (lid !== null && list.has(lid));
    });
  }

  block(channelId: string, jid: string): Promise<void> {
    return this.sockets.call(channelId, 'blocklist.block', (socket) => this.change(socket, jid, 'block'));
  }

  unblock(channelId: string, jid: string): Promise<void> {
    return this.sockets.call(channelId, 'blocklist.unblock', (socket) => this.change(socket, jid, 'unblock'));
  }

  private knownList(socket: WASocket): Promise<Set<string>> {
    let list = this.known.get(socket);
    if (!list) {
      const fetched = socket.fetchBlocklist().then((jids) => new Set(jids.map((jid) => jidNormalizedUser(jid))));
      // A failed fetch is not remembered: the next check asks again.
      fetched.catch(() => this.known.delete(socket));
      list = fetched;
      this.known.set(socket, list);
      // Registered with the fetch, so a change announced while it runs is applied after it, in order.
      socket.ev.on('blocklist.update', ({ blocklist, type }) => {
        void fetched.then(
          (set) =>
            blocklist.forEach((entry) => (type === 'add' ? set.add(jidNormalizedUser(entry)) : set.delete(jidNormalizedUser(entry)))),
          () => undefined,
        );
      });
    }
    return list;
  }

  /** Blocks or unblocks, and keeps the socket's known list in step (WhatsApp announces a change to the other devices only). */
  private async change(socket: WASocket, jid: string, action: 'block' | 'unblock'): Promise<void> {
    await update(socket, jid, action);
    const cached = this.known.get(socket);
    if (!cached) return;
    const normal = jidNormalizedUser(jid);
    const entries = [normal, ...(isPnUser(normal) ? [await lidOf(socket, normal)] : [])].filter((entry): entry is string => entry !== null);
    const set = await cached.catch(() => null);
    for (const entry of entries)
      if (action === 'block') set?.add(entry);
      else for (const entry of entries) set?.delete(entry);
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
