import { Logger } from '@nestjs/common';
import {
  downloadMediaMessage,
  isLidUser,
  isPnUser,
  jidNormalizedUser,
  proto,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { MediaClient } from '../../simulator';
import type { InboundWireMessage, WireContact, WireReceipt } from '../message-content';
import type { SessionEvent } from '../ports/session-events';
import { STORY_CHAT } from '../ports/stories.port';
import { hasParticipants, readInbound, readStatusUpdate, readUserReceipt } from './baileys-messages';

/** How many of the phone's history messages one event carries (the gateway stores each part in one transaction). */
const HISTORY_PART = 500;

/** Turns Baileys' message, receipt and contact events into session events. */
export function attachMessageEvents(
  socket: WASocket,
  emit: (event: SessionEvent) => void,
  logger: Logger,
  channelId: string,
  media?: MediaClient,
): void {
  // Every event is handled in one lane, in the order Baileys emitted it: reading a message may wait for the
  // phone number of a LID, and a receipt must still not overtake the message it is about.
  let lane: Promise<void> = Promise.resolve();
  const guard = (what: string, work: () => void | Promise<void>) => {
    lane = lane.then(work).catch((error: unknown) => logger.error({ err: error, channel_id: channelId }, `${what} not handled`));
  };
  // One user's receipt of a message (a group member's, a story's viewer's), named by the receipt's own
  // `userJid`: Baileys' event buffer merges the receipts of one message under the first receipt's key, whose
  // participant may name someone else.
  const userReceiptOf = async (key: proto.IMessageKey, receipt: proto.IUserReceipt): Promise<WireReceipt | null> => {
    const wire = readUserReceipt({ ...key, participant: receipt.userJid ?? key.participant }, receipt);
    if (!wire) return null;
    // a story's viewer is named by LID when WhatsApp addresses them so: the phone number where known
    const participant = wire.key.participant;
    if (wire.key.chatJid === STORY_CHAT && participant && isLidUser(participant)) {
      const phone = await phoneOfLid(socket, participant, undefined);
      wire.participantLid = participant;
      if (phone) wire.key.participant = phone;
    }
    return wire;
  };
  /**
   * What Baileys' event buffer folded into an own message's upsert: a status update (an ack's error, a
   * delivery) or users' receipts that arrived while the message was still buffered are applied to the
   * buffered message and never emitted as events of their own. Pending and server-acked are the send's own
   * progress, already known.
   */
  const mergedReceiptsOf = async (raw: WAMessage): Promise<WireReceipt[]> => {
    if (!raw.key.fromMe) return [];
    const { PENDING, SERVER_ACK } = proto.WebMessageInfo.Status;
    const found: WireReceipt[] = [];
    if (typeof raw.status === 'number' && raw.status !== PENDING && raw.status !== SERVER_ACK) {
      const status = readStatusUpdate(raw.key, {
        status: raw.status,
        messageStubParameters: raw.messageStubParameters as string[] | undefined,
      });
      if (status) found.push(status);
    }
    for (const receipt of raw.userReceipt ?? []) {
      const wire = await userReceiptOf(raw.key, receipt);
      if (wire) found.push(wire);
    }
    return found;
  };
  // The push name each sender last had, as far as the gateway was told: Baileys follows every message that
  // carries one with a contacts.update repeating it, and the gateway stores a message's sender with the message
  // itself, so that repetition is a database round trip per message that changes nothing.
  const pushNames = new RecentPushNames();
  socket.ev.on('messages.upsert', ({ messages, type }) =>
    guard('messages.upsert', async () => {
      const own = socket.user?.id ?? '';
      for (const raw of messages) {
        const message = readInbound(await withPhoneNumbers(socket, raw), type === 'append', own);
        const merged = await mergedReceiptsOf(raw);
        if (!message) {
          for (const receipt of merged) emit({ type: 'receipt', receipt });
          continue;
        }
        if (message.content.type !== 'text' && 'mimeType' in message.content) {
          message.download = () =>
            downloadMediaMessage(raw, 'buffer', media ? { options: { dispatcher: media.dispatcher } } : {}, {
              logger: socket.logger,
              reuploadRequest: socket.updateMediaMessage,
            });
        }
        emit({ type: 'message', message });
        for (const receipt of merged) emit({ type: 'receipt', receipt });
        // the message's sender, push name and LID are stored with the message (see InboundMessages.receive)
        if (!message.key.fromMe && message.senderJid && raw.pushName) pushNames.told(senderOf(raw), raw.pushName);
      }
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
    guard('message-receipt.update', async () => {
      for (const { key, receipt } of updates) {
        const wire = await userReceiptOf(key, receipt);
        if (wire) emit({ type: 'receipt', receipt: wire });
      }
    }),
  );
  const onContacts = (list: { id?: string; lid?: string; phoneNumber?: string; notify?: string }[]) =>
    guard('contacts', async () => {
      const contacts: WireContact[] = [];
      for (const c of list) {
        if (!c.id) continue;
        const onlyPushName = c.notify !== undefined && !c.lid && !c.phoneNumber;
        if (onlyPushName && pushNames.known(jidNormalizedUser(c.id), c.notify!)) continue;
        if (c.notify) pushNames.told(jidNormalizedUser(c.id), c.notify);
        // a contact WhatsApp names by LID is the contact of its phone number when the pair is known
        const id = jidNormalizedUser(c.id);
        const lid = isLidUser(id) ? id : c.lid ? jidNormalizedUser(c.lid) : undefined;
        const phone = isPnUser(id) ? id : await phoneOfLid(socket, id, c.phoneNumber);
        const jid = phone ?? id;
        contacts.push({ jid, ...(lid ? { lid } : {}), ...(c.notify ? { pushName: c.notify } : {}), ...phoneOrLid(jid) });
      }
      if (contacts.length > 0) emit({ type: 'contacts', contacts });
    });
  socket.ev.on('contacts.upsert', onContacts);
  socket.ev.on('contacts.update', onContacts);
  // The history the phone hands a new companion: its conversations' messages are stored like the offline
  // queue's (idempotent per WhatsApp id), and its people become contacts. A conversation's name is the
  // contact's; a group conversation is no contact (its members are, by their messages).
  socket.ev.on('messaging-history.set', ({ contacts, messages }) => {
    onContacts(
      contacts
        .filter((c) => !c.id.endsWith('@g.us'))
        .map((c) => ({ id: c.id, lid: c.lid, phoneNumber: c.phoneNumber, notify: c.notify ?? c.name ?? undefined })),
    );
    guard('messaging-history.set', async () => {
      const own = socket.user?.id ?? '';
      const history: InboundWireMessage[] = [];
      for (const raw of messages) {
        const message = readInbound(await withPhoneNumbers(socket, raw), true, own);
        if (message) history.push(message);
      }
      // stored a part at a time: one transaction each, and live messages queued behind wait less
      for (let start = 0; start < history.length; start += HISTORY_PART) {
        emit({ type: 'history', messages: history.slice(start, start + HISTORY_PART) });
      }
    });
  });
}

/**
 * WhatsApp addresses most people by LID now. Where it named the phone number beside a LID (`remoteJidAlt`,
 * `participantAlt`), or Baileys learnt the pair before (usync, history, earlier envelopes), the message is
 * read with the phone number, so a chat keeps one id whichever way WhatsApp addressed it; the LID stays
 * beside it. Without a known pair the LID is used as is.
 */
async function withPhoneNumbers(socket: WASocket, raw: WAMessage): Promise<WAMessage> {
  const key = { ...raw.key };
  const chatPhone = hasParticipants(key.remoteJid) ? undefined : await phoneOfLid(socket, key.remoteJid, key.remoteJidAlt);
  if (chatPhone) Object.assign(key, { remoteJid: chatPhone, remoteJidAlt: jidNormalizedUser(raw.key.remoteJid!) });
  // a story's author: WhatsApp names the other identity in remoteJidAlt, the chat being status@broadcast
  const participantAlt = key.remoteJid === STORY_CHAT ? (key.participantAlt ?? key.remoteJidAlt) : key.participantAlt;
  const participantPhone = await phoneOfLid(socket, key.participant, participantAlt);
  if (participantPhone) Object.assign(key, { participant: participantPhone, participantAlt: jidNormalizedUser(raw.key.participant!) });
  return { ...raw, key };
}

/** The phone-number jid of a LID: the one WhatsApp named beside it, else the pair Baileys knows, else none. */
async function phoneOfLid(socket: WASocket, jid: string | null | undefined, alt: string | null | undefined): Promise<string | undefined> {
  if (!jid || !isLidUser(jid)) return undefined;
  if (alt && isPnUser(alt)) return jidNormalizedUser(alt);
  const known = await socket.signalRepository.lidMapping.getPNForLID(jid).catch(() => null);
  return known ? jidNormalizedUser(known) : undefined;
}

/** Who sent a message, as Baileys names them in the contacts.update that follows it. */
function senderOf(raw: WAMessage): string {
  return jidNormalizedUser(raw.key.participant || raw.key.remoteJid || '');
}

/** Push names by sender, the most recent few thousand senders of one socket. */
class RecentPushNames {
  private static readonly MAX = 5_000;
  private readonly names = new Map<string, string>();

  told(jid: string, pushName: string): void {
    this.names.delete(jid);
    this.names.set(jid, pushName);
    if (this.names.size > RecentPushNames.MAX) this.names.delete(this.names.keys().next().value!);
  }

  known(jid: string, pushName: string): boolean {
    return this.names.get(jid) === pushName;
  }
}

function phoneOrLid(jid: string): { phoneNumber?: string; lid?: string } {
  if (jid.endsWith('@s.whatsapp.net')) return { phoneNumber: `+${jid.split('@')[0].split(':')[0]}` };
  if (jid.endsWith('@lid')) return { lid: jid };
  return {};
}
