import { storedMessageOf } from './message-content';
import type { MessageRow } from './messages.repository';
import { MessageStatus } from './messages.contracts';
import type { StoredType } from './message-content';

/** The API's view of a stored message; the content sits under the field named after its type. */
export function toMessage(row: MessageRow) {
  const { type, content } = storedMessageOf(row);
  return {
    id: row.id,
    channel_id: row.channelId,
    chat_id: row.chatJid,
    from: row.direction === 'inbound' ? row.senderJid : null,
    from_lid: row.direction === 'inbound' ? row.senderLid : null,
    direction: row.direction as 'outbound' | 'inbound',
    type,
    status: row.status as MessageStatus,
    failure_reason: row.failureReason,
    client_ref: row.clientRef,
    wa_message_id: row.waMessageId,
    push_name: row.pushName,
    timestamp: row.waTimestamp.toISOString(),
    sent_at: row.sentAt?.toISOString() ?? null,
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    read_at: row.readAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    ...content,
  };
}

/** What status events carry (message.sent, .delivered, .read, .failed): `timestamp` is when it reached `status`. */
export function statusPayload<S extends 'sent' | 'delivered' | 'read' | 'failed'>(row: MessageRow, status: S, timestamp: Date) {
  return {
    message_id: row.id,
    chat_id: row.chatJid,
    status,
    timestamp: timestamp.toISOString(),
    direction: row.direction as 'outbound' | 'inbound',
    type: row.type as StoredType,
    client_ref: row.clientRef,
    wa_message_id: row.waMessageId,
    failure_reason: row.failureReason,
    sent_at: row.sentAt?.toISOString() ?? null,
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    read_at: row.readAt?.toISOString() ?? null,
  };
}
