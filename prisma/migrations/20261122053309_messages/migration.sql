-- CreateTable
CREATE TABLE "messages" (
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "channel_id" UUID NOT NULL,
    "mode" "ApiKeyMode" NOT NULL,
    "direction" TEXT NOT NULL,
    "chat_jid" TEXT NOT NULL,
    "sender_jid" TEXT,
    "type" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "failure_reason" TEXT,
    "wa_message_id" TEXT NOT NULL,
    "client_ref" TEXT,
    "client_ref_key" TEXT,
    "claimed_until" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "correlation_id" TEXT,
    "push_name" TEXT,
    "wa_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chats" (
    "channel_id" UUID NOT NULL,
    "jid" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "name" TEXT,
    "last_message_at" TIMESTAMPTZ(3),
    "unread_count" INTEGER NOT NULL DEFAULT 0,
    "marked_unread" BOOLEAN NOT NULL DEFAULT false,
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "muted_until" TIMESTAMPTZ(3),
    "ephemeral_seconds" INTEGER NOT NULL DEFAULT 0,
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chats_pkey" PRIMARY KEY ("channel_id","jid")
);

-- CreateTable
CREATE TABLE "contacts" (
    "channel_id" UUID NOT NULL,
    "jid" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "phone_number" TEXT,
    "lid" TEXT,
    "push_name" TEXT,
    "about" TEXT,
    "picture_url" TEXT,
    "profile_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("channel_id","jid")
);

-- CreateIndex
CREATE INDEX "messages_customer_id_mode_id_idx" ON "messages"("customer_id", "mode", "id");

-- CreateIndex
CREATE INDEX "messages_channel_id_id_idx" ON "messages"("channel_id", "id");

-- CreateIndex
CREATE INDEX "messages_status_created_at_idx" ON "messages"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "messages_channel_id_wa_message_id_key" ON "messages"("channel_id", "wa_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "messages_channel_id_client_ref_key_key" ON "messages"("channel_id", "client_ref_key");

-- CreateIndex
CREATE INDEX "chats_channel_id_last_message_at_idx" ON "chats"("channel_id", "last_message_at");

-- CreateIndex
CREATE INDEX "contacts_channel_id_lid_idx" ON "contacts"("channel_id", "lid");
