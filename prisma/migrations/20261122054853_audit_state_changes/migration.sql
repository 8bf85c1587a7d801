-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "details" JSONB,
ALTER COLUMN "method" DROP NOT NULL,
ALTER COLUMN "path" DROP NOT NULL,
ALTER COLUMN "status_code" DROP NOT NULL;
