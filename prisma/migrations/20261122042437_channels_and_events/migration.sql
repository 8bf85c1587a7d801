-- CreateEnum
CREATE TYPE "ChannelState" AS ENUM ('pending', 'qr', 'connecting', 'connected', 'reconnecting', 'disconnected', 'logged_out', 'stopped_by_user', 'disabled_by_admin', 'error', 'failed');

-- CreateTable
CREATE TABLE "channels" (
    "id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mode" "ApiKeyMode" NOT NULL,
    "state" "ChannelState" NOT NULL DEFAULT 'pending',
    "state_since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason_code" INTEGER,
    "reason_text" TEXT,
    "reconnect_attempts" INTEGER NOT NULL DEFAULT 0,
    "want_connected" BOOLEAN NOT NULL DEFAULT false,
    "phone_number" TEXT,
    "jid" TEXT,
    "lid" TEXT,
    "worker_id" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_auth_entries" (
    "channel_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "value" BYTEA NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "channel_auth_entries_pkey" PRIMARY KEY ("channel_id","type","key_id")
);

-- CreateTable
CREATE TABLE "domain_events" (
    "seq" BIGSERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "channel_id" TEXT,
    "payload" JSONB NOT NULL,
    "correlation_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "domain_events_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "channels_customer_id_deleted_at_idx" ON "channels"("customer_id", "deleted_at");

-- CreateIndex
CREATE INDEX "channels_want_connected_deleted_at_idx" ON "channels"("want_connected", "deleted_at");

-- CreateIndex
CREATE UNIQUE INDEX "domain_events_id_key" ON "domain_events"("id");

-- CreateIndex
CREATE INDEX "domain_events_customer_id_seq_idx" ON "domain_events"("customer_id", "seq");

-- CreateIndex
CREATE INDEX "domain_events_channel_id_seq_idx" ON "domain_events"("channel_id", "seq");

-- AddForeignKey
ALTER TABLE "channel_auth_entries" ADD CONSTRAINT "channel_auth_entries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
