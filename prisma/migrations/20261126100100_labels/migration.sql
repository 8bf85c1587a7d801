-- WhatsApp Business labels, mirrored from app-state sync, and what carries them (a chat, or a message of a chat).
CREATE TABLE "labels" (
    "channel_id" UUID NOT NULL,
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "color" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "labels_pkey" PRIMARY KEY ("channel_id","id")
);

CREATE TABLE "label_associations" (
    "channel_id" UUID NOT NULL,
    "label_id" TEXT NOT NULL,
    "chat_jid" TEXT NOT NULL,
    "wa_message_id" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "label_associations_pkey" PRIMARY KEY ("channel_id","label_id","chat_jid","wa_message_id")
);
