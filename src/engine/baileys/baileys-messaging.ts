import { Logger } from '@nestjs/common';
import { downloadMediaMessage, generateMessageIDV2, jidNormalizedUser, proto, WASocket } from '@whiskeysockets/baileys';
import type { MediaClient } from '../../simulator';
import { AppError } from '../../platform/errors/app-error';
import type { ChatChange, ContactProfile, StoredMessageLookup, WireContact, WireContent, WireMessageKey } from '../message-content';
import type { SessionEvent } from '../session-manager';
import { readInbound, readStatusUpdate, readUserReceipt, toBaileysContent, toBaileysKey, toProtoMessage } from './baileys-messages';

const PROFILE_TIMEOUT_MS = 5_000;

/** Message operations over the sockets of a session pool: the send path, read receipts, chat changes, profiles. */
export class BaileysMessaging {
  /** One send at a time per channel: concurrent first sends to a device race on its Signal session. */
  private readonly sendLanes = new Map<string, Promise<unknown>>();

  constructor(private readonly socketOf: (channelId: string) => WASocket | undefined) {}

  newMessageId(): string {
    return generateMessageIDV2();
  }

  send(channelId: string, to: string, content: WireContent, options: { waMessageId: string }): Promise<{ waMessageId: string; timestamp: Date }> {
    const previous = this.sendLanes.get(channelId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.sendNow(channelId, to, content, options));
    this.sendLanes.set(channelId, next);
    void next.catch(() => undefined).finally(() => {
      if (this.sendLanes.get(channelId) === next) this.sendLanes.delete(channelId);
    });
    return next;
  }

  private async sendNow(channelId: string, to: string, content: WireContent, options: { waMessageId: string }): Promise<{ waMessageId: string; timestamp: Date }> {
    const socket = this.require(channelId);
    const sent = await socket.sendMessage(to, toBaileysContent(content), { messageId: options.waMessageId });
    const seconds = Number(sent?.messageTimestamp ?? 0);
    return { waMessageId: sent?.key.id ?? options.waMessageId, timestamp: seconds > 0 ? new Date(seconds * 1000) : new Date() };
  }

  async readMessages(channelId: string, keys: WireMessageKey[]): Promise<void> {
    await this.require(channelId).readMessages(keys.map(toBaileysKey));
  }

  async modifyChat(channelId: string, chatJid: string, change: ChatChange, lastMessage?: { key: WireMessageKey; timestamp: Date }): Promise<void> {
    const socket = this.require(channelId);
    const lastMessages = lastMessage ? [{ key: toBaileysKey(lastMessage.key), messageTimestamp: Math.floor(lastMessage.timestamp.getTime() / 1000) }] : [];
    if ('ephemeralSeconds' in change) {
      await socket.sendMessage(chatJid, { disappearingMessagesInChat: change.ephemeralSeconds === 0 ? false : change.ephemeralSeconds });
    } else if ('archive' in change) {
      await socket.chatModify({ archive: change.archive, lastMessages }, chatJid);
    } else if ('pin' in change) {
      await socket.chatModify({ pin: change.pin }, chatJid);
    } else if ('muteUntil' in change) {
      await socket.chatModify({ mute: change.muteUntil ? change.muteUntil.getTime() : null }, chatJid);
    } else {
      await socket.chatModify({ markRead: !change.markUnread, lastMessages }, chatJid);
    }
  }

  async fetchProfile(channelId: string, jid: string): Promise<ContactProfile> {
    const socket = this.require(channelId);
    const [about, picture] = await Promise.all([
      socket.fetchStatus(jid).then((r) => statusText(r), () => null),
      socket.profilePictureUrl(jid, 'image', PROFILE_TIMEOUT_MS).then((url) => url ?? null, () => null),
    ]);
    let exists = true;
    if (jid.endsWith('@s.whatsapp.net')) {
      const found = await socket.onWhatsApp(jid).catch(() => undefined);
      exists = Boolean(found?.[0]?.exists);
    }
    return { jid, exists, about, pictureUrl: picture };
  }

  async storedMessage(lookup: StoredMessageLookup, channelId: string, waMessageId: string | null | undefined): Promise<proto.IMessage | undefined> {
    if (!waMessageId) return undefined;
    const content = await lookup(channelId, waMessageId).catch(() => undefined);
    return content ? toProtoMessage(content) : undefined;
  }

  private require(channelId: string): WASocket {
    const socket = this.socketOf(channelId);
    if (!socket) throw new AppError('channel_unavailable', 'The channel has no open WhatsApp session on this worker.');
    return socket;
  }
}

function statusText(result: unknown): string | null {
  const first = Array.isArray(result) ? (result[0] as { status?: { status?: string } | string } | undefined) : undefined;
  const status = first?.status;
  if (typeof status === 'string') return status;
  return status?.status ?? null;
}

/** Turns Baileys' message, receipt and contact events into session events. */
export function attachMessageEvents(socket: WASocket, emit: (event: SessionEvent) => void, logger: Logger, channelId: string, media?: MediaClient): void {
  const guard = (what: string, work: () => void) => {
    try {
      work();
    } catch (error) {
      logger.error({ err: error, channel_id: channelId }, `${what} not handled`);
    }
  };
  socket.ev.on('messages.upsert', ({ messages, type }) =>
    guard('messages.upsert', () => {
      const own = socket.user?.id ?? '';
      const contacts: WireContact[] = [];
      for (const raw of messages) {
        const message = readInbound(raw, type === 'append', own);
        if (!message) continue;
        if (message.content.type !== 'text' && 'mimeType' in message.content) {
          message.download = () =>
            downloadMediaMessage(raw, 'buffer', media ? { options: { dispatcher: media.dispatcher } } : {}, {
              logger: socket.logger,
              reuploadRequest: socket.updateMediaMessage,
            });
        }
        emit({ type: 'message', message });
        if (!message.key.fromMe && message.pushName && message.senderJid) {
          contacts.push({ jid: message.senderJid, pushName: message.pushName, ...phoneOrLid(message.senderJid) });
        }
      }
      if (contacts.length > 0) emit({ type: 'contacts', contacts });
    }),
  );
  socket.ev.on('messages.update', (updates) =>
    guard('messages.update', () => {
      for (const { key, update } of updates) {
        const receipt = readStatusUpdate(key, update);
        if (receipt) emit({ type: 'receipt', receipt });
      }
    }),
  );
  socket.ev.on('message-receipt.update', (updates) =>
    guard('message-receipt.update', () => {
      for (const { key, receipt } of updates) {
        const wire = readUserReceipt(key, receipt);
        if (wire) emit({ type: 'receipt', receipt: wire });
      }
    }),
  );
  const onContacts = (list: { id?: string; lid?: string; notify?: string }[]) =>
    guard('contacts', () => {
      const contacts = list
        .filter((c) => c.id)
        .map((c) => ({ jid: jidNormalizedUser(c.id!), ...(c.lid ? { lid: jidNormalizedUser(c.lid) } : {}), ...(c.notify ? { pushName: c.notify } : {}), ...phoneOrLid(c.id!) }));
      if (contacts.length > 0) emit({ type: 'contacts', contacts });
    });
  socket.ev.on('contacts.upsert', onContacts);
  socket.ev.on('contacts.update', onContacts);
}

function phoneOrLid(jid: string): { phoneNumber?: string; lid?: string } {
  if (jid.endsWith('@s.whatsapp.net')) return { phoneNumber: `+${jid.split('@')[0].split(':')[0]}` };
  if (jid.endsWith('@lid')) return { lid: jid };
  return {};
}
