-- Live and test keys see only their own mode's items. Events and audit rows take the mode of their channel (audit
-- rows: of the acting key first), endpoints the mode of the key that created them.
ALTER TABLE "domain_events" ADD COLUMN "mode" "ApiKeyMode";
ALTER TABLE "audit_events" ADD COLUMN "mode" "ApiKeyMode";
ALTER TABLE "webhook_endpoints" ADD COLUMN "mode" "ApiKeyMode";

UPDATE "domain_events" e SET "mode" = c."mode" FROM "channels" c WHERE c."id"::text = e."channel_id";
UPDATE "audit_events" a SET "mode" = k."mode" FROM "api_keys" k WHERE k."id" = a."api_key_id";
UPDATE "audit_events" a SET "mode" = c."mode" FROM "channels" c WHERE a."mode" IS NULL AND c."id"::text = a."channel_id";
-- Endpoints made before modes existed: the mode of the channel they are filtered on, otherwise live.
UPDATE "webhook_endpoints" w SET "mode" = COALESCE((SELECT c."mode" FROM "channels" c WHERE c."id"::text = w."channel_id"), 'live');
ALTER TABLE "webhook_endpoints" ALTER COLUMN "mode" SET NOT NULL;

-- Set in the database so that no producer of events or audit rows can forget it.
CREATE FUNCTION "channel_mode"(channel_id text) RETURNS "ApiKeyMode" LANGUAGE sql STABLE AS $$
  SELECT c."mode" FROM "channels" c
  WHERE channel_id ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' AND c."id" = channel_id::uuid
$$;

CREATE FUNCTION "domain_events_set_mode"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."mode" IS NULL AND NEW."channel_id" IS NOT NULL THEN
    NEW."mode" := "channel_mode"(NEW."channel_id");
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "domain_events_set_mode" BEFORE INSERT ON "domain_events" FOR EACH ROW EXECUTE FUNCTION "domain_events_set_mode"();

CREATE FUNCTION "audit_events_set_mode"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."mode" IS NULL AND NEW."api_key_id" IS NOT NULL THEN
    SELECT k."mode" INTO NEW."mode" FROM "api_keys" k WHERE k."id" = NEW."api_key_id";
  END IF;
  IF NEW."mode" IS NULL AND NEW."channel_id" IS NOT NULL THEN
    NEW."mode" := "channel_mode"(NEW."channel_id");
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "audit_events_set_mode" BEFORE INSERT ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_set_mode"();
