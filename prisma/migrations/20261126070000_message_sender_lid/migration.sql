-- The author's LID beside the phone-number jid of an inbound message (WhatsApp addresses most people by LID).
ALTER TABLE "messages" ADD COLUMN "sender_lid" TEXT;
