-- Per channel: reject incoming calls as they ring, optionally answering the caller with a text message.
ALTER TABLE "channels" ADD COLUMN "call_auto_reject" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "channels" ADD COLUMN "call_reject_message" TEXT;
