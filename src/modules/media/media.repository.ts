import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type MediaRow = Awaited<ReturnType<PrismaClient['media']['findUniqueOrThrow']>>;
const STORE_TIMEOUT_MS = 10 * 60 * 1000;

export interface NewMedia {
  id: string;
  customerId: string;
  channelId: string;
  sha256: string;
  size: number;
  mimeType: string;
  filename: string | null;
  source: 'url' | 'upload' | 'inbound';
  sourceUrl: string | null;
}

/**
 * Media records. Writing bytes and inserting a record, and deleting a record and possibly its bytes, run
 * under the same transaction-scoped advisory lock on the sha256, so an object is never deleted while a
 * new record for the same bytes is being created, in this process or another.
 */
@Injectable()
export class MediaRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Commits the bytes (`store` returns the storage key) and inserts the record, under the sha256 lock. */
  create(data: NewMedia, store: () => Promise<string>): Promise<MediaRow> {
    return this.prisma.$transaction(
      async (tx) => {
        await lockSha(tx, data.sha256);
        const storageKey = await store();
        return tx.media.create({ data: { ...data, storageKey } });
      },
      // Committing is a rename on local disk, but an upload with S3 storage: allow it time.
      { timeout: STORE_TIMEOUT_MS, maxWait: 10_000 },
    );
  }

  /**
   * Deletes the record; when no other record references its bytes, runs `dropBytes` before the lock is
   * released. Returns the deleted row (null when it was already gone). `unusedBefore` deletes only a
   * record still unused and older than that date (retention, racing with a message that uses it).
   */
  delete(id: string, dropBytes: (row: MediaRow) => Promise<void>, options: { unusedBefore?: Date } = {}): Promise<MediaRow | null> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.media.findUnique({ where: { id } });
      if (!row) return null;
      await lockSha(tx, row.sha256);
      const condition = options.unusedBefore ? { inUse: false, createdAt: { lt: options.unusedBefore } } : {};
      const deleted = await tx.media.deleteMany({ where: { id, ...condition } });
      if (deleted.count === 0) return null;
      const others = await tx.media.count({ where: { sha256: row.sha256 } });
      if (others === 0) await dropBytes(row);
      return row;
    });
  }

  find(id: string): Promise<MediaRow | null> {
    return this.prisma.media.findUnique({ where: { id } });
  }

  findInChannel(channelId: string, id: string): Promise<MediaRow | null> {
    return this.prisma.media.findFirst({ where: { id, channelId } });
  }

  list(args: { channelId: string; before?: string; take: number }): Promise<MediaRow[]> {
    return this.prisma.media.findMany({
      where: { channelId: args.channelId, ...(args.before ? { id: { lt: args.before } } : {}) },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }

  async markUsed(id: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.media.updateMany({ where: { id }, data: { inUse: true, lastUsedAt: at } });
    return count > 0;
  }

  /** Ids of media no message used, created before the cutoff, oldest first. */
  async unusedBefore(cutoff: Date, take: number): Promise<string[]> {
    const rows = await this.prisma.media.findMany({
      where: { inUse: false, createdAt: { lt: cutoff } },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
      take,
    });
    return rows.map((row) => row.id);
  }

  countBySha(sha256: string): Promise<number> {
    return this.prisma.media.count({ where: { sha256 } });
  }
}

async function lockSha(tx: Prisma.TransactionClient, sha256: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`media:${sha256}`}))`;
}
