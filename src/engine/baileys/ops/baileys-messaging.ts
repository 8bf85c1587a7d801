import { Injectable } from '@nestjs/common';
import { type BinaryNode, isJidNewsletter, type proto } from '@whiskeysockets/baileys';
import { KeyedLanes } from '../../../platform/async';
import type { StoredMessageLookup, WireContent, WireMessageKey } from '../../message-content';
import { KeyWritesBehind } from '../../auth-state/key-writes-behind';
import { MessagingPort } from '../../ports/messaging.port';
import { toBaileysContent, toBaileysKey, toProtoMessage } from '../baileys-messages';
import { toNewsletterAppError, whatsappRefusal } from '../baileys-newsletter-mapping';
import { newMessageId } from '../message-ids';
import { BaileysSockets } from '../baileys-sockets';

/** A send includes uploading its media to WhatsApp's host, so it gets longer than a plain request. */
export const SEND_TIMEOUT_MS = 120_000;
/** How long a post to a newsletter waits for WhatsApp's ack (which refuses a post from a non-admin). */
const POST_ACK_TIMEOUT_MS = 15_000;

@Injectable()
export class BaileysMessaging extends MessagingPort {
  /** One send at a time per channel: concurrent first sends to a device race on its Signal session. */
  private readonly sendLanes = new KeyedLanes();
  private lookup: StoredMessageLookup = async () => undefined;

  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  newMessageId(): string {
    return newMessageId();
  }

  send(
    channelId: string,
    to: string,
    content: WireContent,
    options: { waMessageId: string },
  ): Promise<{ waMessageId: string; timestamp: Date }> {
    return this.sendLanes
      .run(channelId, () => KeyWritesBehind.run(() => this.sendNow(channelId, to, content, options)))
      .then(
        // The lane is the channel's again as soon as the message left; the send is done once its keys are stored.
        async ({ result, written }) => {
          await written;
          return result;
        },
      );
  }

  /** Runs `work` in the channel's send lane, after the sends before it (stories go through here too). */
  inSendLane<T>(channelId: string, work: () => Promise<T>): Promise<T> {
    return this.sendLanes.run(channelId, work);
  }

  private sendNow(channelId: string, to: string, content: WireContent, options: { waMessageId: string }) {
    return this.sockets.call(
      channelId,
      'messages.send',
      async (socket) => {
        // a post to a newsletter is refused in WhatsApp's ack (not by a receipt): it is read before answering
        const acked = isJidNewsletter(to)
          ? socket.waitForMessage<BinaryNode>(options.waMessageId, POST_ACK_TIMEOUT_MS).catch(() => undefined)
          : undefined;
        const sent = await socket.sendMessage(to, toBaileysContent(content), { messageId: options.waMessageId });
        const refused = Number((await acked)?.attrs?.error);
        if (refused >= 400) throw toNewsletterAppError(whatsappRefusal(`WhatsApp refused the post (${refused})`, refused), 'post');
        const seconds = Number(sent?.messageTimestamp ?? 0);
        return { waMessageId: sent?.key.id ?? options.waMessageId, timestamp: seconds > 0 ? new Date(seconds * 1000) : new Date() };
      },
      { timeoutMs: SEND_TIMEOUT_MS },
    );
  }

  readMessages(channelId: string, keys: WireMessageKey[]): Promise<void> {
    return this.sockets.call(channelId, 'messages.read', (socket) => socket.readMessages(keys.map(toBaileysKey)));
  }

  setMessageLookup(lookup: StoredMessageLookup): void {
    this.lookup = lookup;
  }

  /** Baileys' `getMessage`: the content of a message WhatsApp asks to be re-sent, from the gateway's store. */
  async storedMessage(channelId: string, waMessageId: string | null | undefined): Promise<proto.IMessage | undefined> {
    if (!waMessageId) return undefined;
    const content = await this.lookup(channelId, waMessageId).catch(() => undefined);
    return content ? toProtoMessage(content) : undefined;
  }
}
