-- Stories the channel posted (the message store keeps their content too) and who viewed them.
CREATE TABLE "stories" (
    "id" TEXT NOT NULL,
    "channel_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "wa_message_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "audience_kind" TEXT NOT NULL,
    "audience" JSONB NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stories_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "stories_channel_id_wa_message_id_key" ON "stories"("channel_id", "wa_message_id");

CREATE INDEX "stories_channel_id_posted_at_idx" ON "stories"("channel_id", "posted_at");

CREATE TABLE "story_views" (
    "story_id" TEXT NOT NULL,
    "viewer_jid" TEXT NOT NULL,
    "viewer_lid" TEXT,
    "viewed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "story_views_pkey" PRIMARY KEY ("story_id","viewer_jid")
);
