-- AlterTable
ALTER TABLE "plans" ADD COLUMN     "media_max_bytes" INTEGER;

-- The free plan stores media files up to 25 MiB; the others use the gateway's MEDIA_MAX_BYTES.
UPDATE "plans" SET "media_max_bytes" = 26214400 WHERE "id" = 'free';
