-- WhatsApp message keys the gateway needs but the API does not show get columns of their own.

-- A chat remembers the key of its newest message: chat changes on WhatsApp are anchored on it.
ALTER TABLE "chats" ADD COLUMN     "last_message_from_me" BOOLEAN,
ADD COLUMN     "last_message_participant" TEXT,
ADD COLUMN     "last_message_wa_id" TEXT;

-- Existing chats: the newest stored message of each (by timestamp, then by id).
UPDATE "chats" c SET
  "last_message_wa_id" = m."wa_message_id",
  "last_message_from_me" = (m."direction" = 'outbound'),
  "last_message_participant" = CASE WHEN m."direction" = 'inbound' AND c."jid" LIKE '%@g.us' THEN m."sender_jid" END
FROM (
  SELECT DISTINCT ON ("channel_id", "chat_jid") "channel_id", "chat_jid", "wa_message_id", "direction", "sender_jid"
  FROM "messages"
  ORDER BY "channel_id", "chat_jid", "wa_timestamp" DESC, "id" DESC
) m
WHERE m."channel_id" = c."channel_id" AND m."chat_jid" = c."jid";

-- An outbound reaction's target moves out of its public content into its own column, in the shape of the
-- engine's message key.
ALTER TABLE "messages" ADD COLUMN     "reaction_target" JSONB;

UPDATE "messages" SET
  "reaction_target" = jsonb_strip_nulls(jsonb_build_object(
    'chatJid', "content"->'reaction'->'target'->'chat_jid',
    'waMessageId', "content"->'reaction'->'target'->'wa_message_id',
    'fromMe', "content"->'reaction'->'target'->'from_me',
    'participant', "content"->'reaction'->'target'->'participant'
  )),
  "content" = "content" #- '{reaction,target}'
WHERE "type" = 'reaction' AND jsonb_typeof("content"->'reaction'->'target') = 'object';
