-- Default plans. Customers reference a plan by id; operators may edit the limits afterwards, so an
-- existing row is left as it is.
INSERT INTO "plans" ("id", "name", "channel_limit", "rate_limit_burst", "rate_limit_per_second") VALUES
    ('free', 'Free', 3, 60, 1),
    ('pro', 'Pro', 25, 300, 10),
    ('unlimited', 'Unlimited', 100000, 100000, 10000)
ON CONFLICT ("id") DO NOTHING;
