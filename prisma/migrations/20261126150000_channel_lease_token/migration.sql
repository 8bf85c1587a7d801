-- The fencing token of the lease under which the channel's worker last wrote its state: a write from a session
-- holding an older token (a paused worker that lost its lease) is refused.
ALTER TABLE "channels" ADD COLUMN "lease_token" BIGINT;
