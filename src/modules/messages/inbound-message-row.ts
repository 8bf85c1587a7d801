import type { Logger } from '@nestjs/common';
import type { InboundWireMessage } from '../../engine/message-content';
import type { Prisma } from '../../platform/database';
import { newId } from '../../platform/ids';
import type { MediaService } from '../media/media.service';
import type { MessageRow } from './messages.repository';
import type { MediaType, StoredBody, StoredMessage } from './message-content';

export interface ChannelOwner {
  customerId: string;
  mode: 'live' | 'test';
}

type InboundRow = Prisma.MessageCreateManyInput &
  Pick<MessageRow, 'id' | 'senderJid' | 'senderLid' | 'pushName' | 'waTimestamp' | 'sentAt'>;

/**
 * What `data` is once stored (MessagesRepository.insertStatement) with `at` as its created_at and updated_at:
 * told before the insert, for the events written with it. The columns it does not name take their defaults.
 */
export function storedInboundRow(data: InboundRow, at: Date): MessageRow {
  return {
    id: data.id,
    customerId: data.customerId,
    channelId: data.channelId,
    mode: data.mode,
    direction: data.direction,
    chatJid: data.chatJid,
    senderJid: data.senderJid,
    senderLid: data.senderLid,
    type: data.type,
    // as the database gives JSON back: without undefined members
    content: JSON.parse(JSON.stringify(data.content)) as MessageRow['content'],
    reactionTarget: null,
    status: data.status,
    failureReason: null,
    waMessageId: data.waMessageId,
    clientRef: null,
    clientRefKey: null,
    claimedUntil: null,
    attempts: 0,
    correlationId: null,
    pushName: data.pushName,
    waTimestamp: data.waTimestamp,
    sentAt: data.sentAt,
    deliveredAt: null,
    readAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** The row of a message the socket received (or that this account sent from another device). */
export function inboundMessageRow(channelId: string, owner: ChannelOwner, message: InboundWireMessage, stored: StoredMessage): InboundRow {
  const fromMe = message.key.fromMe;
  return {
    id: newId('msg'),
    customerId: owner.customerId,
    channelId,
    mode: owner.mode,
    // Sent from the phone (or another linked device) rather than through the gateway.
    direction: fromMe ? 'outbound' : 'inbound',
    chatJid: message.key.chatJid,
    senderJid: fromMe ? null : message.senderJid,
    senderLid: fromMe ? null : (message.senderLid ?? null),
    type: stored.type,
    content: stored.content,
    status: fromMe ? 'sent' : 'received',
    waMessageId: message.key.waMessageId,
    pushName: fromMe ? null : (message.pushName ?? null),
    waTimestamp: message.timestamp,
    sentAt: fromMe ? message.timestamp : null,
  };
}

/**
 * Inbound media bytes go to the media module (its media_id is in the content). When the download fails the
 * metadata is kept with `media_id: null` and the reason; the bytes are not fetched again later.
 */
export async function storeInboundMedia(
  media: MediaService,
  logger: Logger,
  channelId: string,
  customerId: string,
  message: InboundWireMessage,
  body: StoredBody<MediaType>,
): Promise<void> {
  const wire = message.content as { mimeType?: string; fileName?: string };
  try {
    const bytes = await message.download!();
    const stored = await media.storeInbound(channelId, customerId, bytes, wire.mimeType ?? 'application/octet-stream', wire.fileName);
    body.media_id = stored.id;
    body.sha256 = stored.sha256;
    body.file_size = stored.size;
  } catch (error) {
    body.media_error = error instanceof Error ? error.message : String(error);
    logger.warn({ err: error, channel_id: channelId }, 'inbound media not stored; the message keeps its metadata');
  }
}
