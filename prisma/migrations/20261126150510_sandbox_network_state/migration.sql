-- The embedded sandbox WhatsApp network's state (the simulator's snapshot), one row per network.
CREATE TABLE "sandbox_network_state" (
    "id" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sandbox_network_state_pkey" PRIMARY KEY ("id")
);
