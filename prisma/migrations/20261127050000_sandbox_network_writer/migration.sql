-- One writer at a time for an embedded sandbox network's state: the gateway process whose simulator writes it,
-- and when that process last said it still does. A row claimed by a writer not yet saved holds no snapshot.
ALTER TABLE "sandbox_network_state" ADD COLUMN "writer" TEXT,
ADD COLUMN "writer_seen_at" TIMESTAMPTZ(3),
ALTER COLUMN "snapshot" DROP NOT NULL;
