-- The ends of several webhook attempts in one call (one round trip, one commit), each written as one attempt
-- alone would be: the attempt's result, the delivery's next state unless another process has taken it over
-- (attempts moved on), the oldest delivery of its lane still waiting for its first attempt, and, when asked and
-- this attempt was the one holding the lane, that delivery's first attempt claimed as a claim would.
--
-- A loop of single-row statements rather than one statement over the arrays: every row is then reached through
-- its primary key or its lane's index whatever the planner believes of the table. A table that grew fast since
-- it was last analyzed (a new install under load) had the set-based form scan every pending delivery for each
-- attempt ending.
CREATE FUNCTION "finish_webhook_attempts"(
  delivery_ids text[],
  numbers int[],
  status_codes int[],
  latencies_ms int[],
  outcomes text[],
  errors text[],
  response_snippets text[],
  statuses text[],
  next_attempts_at timestamptz[],
  lanes text[],
  claim_next boolean[],
  lease_seconds float8[]
) RETURNS TABLE (ended_id text, was_updated boolean, next_in_lane text, claimed "webhook_deliveries")
LANGUAGE plpgsql AS $$
DECLARE
  k int;
  next_id text;
  claimed_row "webhook_deliveries";
BEGIN
  FOR k IN 1 .. coalesce(array_length(delivery_ids, 1), 0) LOOP
    UPDATE "webhook_attempts" a
    SET finished_at = now(), status_code = status_codes[k], latency_ms = latencies_ms[k],
      outcome = outcomes[k], error = errors[k], response_snippet = response_snippets[k]
    WHERE a.delivery_id = delivery_ids[k] AND a.number = numbers[k];

    UPDATE "webhook_deliveries" d
    SET status = statuses[k]::"WebhookDeliveryStatus", lease_until = NULL, first_attempt_done = true,
      last_status_code = status_codes[k], last_error = errors[k],
      next_attempt_at = COALESCE(next_attempts_at[k], d.next_attempt_at),
      delivered_at = CASE WHEN statuses[k] = 'delivered' THEN now() ELSE d.delivered_at END, updated_at = now()
    WHERE d.id = delivery_ids[k] AND d.attempts = numbers[k];
    was_updated := FOUND;

    SELECT n.id INTO next_id FROM "webhook_deliveries" n
    WHERE n.lane = lanes[k] AND n.first_attempt_done = false AND n.attempts = 0 AND n.id > delivery_ids[k]
    ORDER BY n.id LIMIT 1;

    claimed_row := NULL;
    IF claim_next[k] AND was_updated AND next_id IS NOT NULL THEN
      -- claim's conditions for a first attempt; the attempt ended above no longer holds the lane
      UPDATE "webhook_deliveries" d
      SET attempts = 1, lease_until = now() + make_interval(secs => lease_seconds[k]), updated_at = now()
      WHERE d.id = next_id AND d.status = 'pending' AND d.attempts = 0 AND d.next_attempt_at <= now()
        AND (d.lease_until IS NULL OR d.lease_until < now())
        AND NOT EXISTS (
          SELECT 1 FROM "webhook_deliveries" p
          WHERE p.lane = d.lane AND p.first_attempt_done = false AND p.id < d.id
            AND (p.attempts = 0 OR p.lease_until > now()))
      RETURNING d.* INTO claimed_row;
      IF claimed_row.id IS NOT NULL THEN
        INSERT INTO "webhook_attempts" (delivery_id, number) VALUES (claimed_row.id, 1);
      END IF;
    END IF;

    ended_id := delivery_ids[k];
    next_in_lane := next_id;
    claimed := claimed_row;
    RETURN NEXT;
  END LOOP;
END $$;
