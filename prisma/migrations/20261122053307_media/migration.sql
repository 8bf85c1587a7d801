-- CreateTable
CREATE TABLE "media" (
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "channel_id" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mime_type" TEXT NOT NULL,
    "filename" TEXT,
    "source" TEXT NOT NULL,
    "source_url" TEXT,
    "in_use" BOOLEAN NOT NULL DEFAULT false,
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "media_channel_id_id_idx" ON "media"("channel_id", "id");

-- CreateIndex
CREATE INDEX "media_sha256_idx" ON "media"("sha256");

-- CreateIndex
CREATE INDEX "media_in_use_created_at_idx" ON "media"("in_use", "created_at");
