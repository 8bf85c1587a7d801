-- WhatsApp Business: the catalog's products with their sync state, bulk imports, and the orders customers placed.
CREATE TABLE "business_products" (
    "id" TEXT NOT NULL,
    "channel_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "price_amount_1000" BIGINT NOT NULL,
    "sale_price_amount_1000" BIGINT,
    "currency" TEXT NOT NULL,
    "images" JSONB NOT NULL DEFAULT '[]',
    "url" TEXT,
    "availability" TEXT NOT NULL DEFAULT 'in_stock',
    "hidden" BOOLEAN NOT NULL DEFAULT false,
    "origin_country" TEXT,
    "wa_product_id" TEXT,
    "wa_image_url" TEXT,
    "review_status" TEXT,
    "sync_state" TEXT NOT NULL DEFAULT 'pending',
    "sync_error" JSONB,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "in_flight_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "business_products_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "business_products_channel_id_retailer_id_key" ON "business_products"("channel_id", "retailer_id");
CREATE INDEX "business_products_channel_id_sync_state_idx" ON "business_products"("channel_id", "sync_state");
CREATE INDEX "business_products_channel_id_wa_product_id_idx" ON "business_products"("channel_id", "wa_product_id");

CREATE TABLE "business_imports" (
    "id" TEXT NOT NULL,
    "channel_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL,
    "cursor" INTEGER NOT NULL DEFAULT 0,
    "items" JSONB NOT NULL,
    "results" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "business_imports_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "business_imports_channel_id_created_at_idx" ON "business_imports"("channel_id", "created_at");

CREATE TABLE "business_orders" (
    "id" TEXT NOT NULL,
    "channel_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "wa_order_id" TEXT NOT NULL,
    "wa_message_id" TEXT NOT NULL,
    "chat_jid" TEXT NOT NULL,
    "sender_jid" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "item_count" INTEGER NOT NULL,
    "total_amount_1000" BIGINT,
    "currency" TEXT,
    "title" TEXT,
    "text" TEXT,
    "items" JSONB,
    "details_error" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "business_orders_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "business_orders_channel_id_wa_order_id_key" ON "business_orders"("channel_id", "wa_order_id");
