import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export interface AuthEntryWrite {
  type: string;
  keyId: string;
  /** null deletes the entry. */
  value: Buffer | null;
}

/** Encrypted Baileys auth entries of channels; values are opaque bytes here. */
@Injectable()
export class AuthStateRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async read(channelId: string, type: string, keyIds: string[]): Promise<Map<string, Buffer>> {
    const rows = await this.prisma.channelAuthEntry.findMany({
      where: { channelId, type, keyId: { in: keyIds } },
      select: { keyId: true, value: true },
    });
    return new Map(rows.map((row) => [row.keyId, Buffer.from(row.value)]));
  }

  /** Applies a batch atomically: Baileys expects a key-store transaction to land whole or not at all. */
  async write(channelId: string, entries: AuthEntryWrite[]): Promise<void> {
    if (entries.length === 0) return;
    await this.prisma.$transaction(async (tx) => {
      for (const entry of entries) {
        const where = { channelId_type_keyId: { channelId, type: entry.type, keyId: entry.keyId } };
        if (entry.value === null) {
          await tx.channelAuthEntry.deleteMany({ where: { channelId, type: entry.type, keyId: entry.keyId } });
        } else {
          const value = new Uint8Array(entry.value);
          await tx.channelAuthEntry.upsert({ where, create: { channelId, type: entry.type, keyId: entry.keyId, value }, update: { value } });
        }
      }
    });
  }

  async deleteAll(channelId: string): Promise<void> {
    await this.prisma.channelAuthEntry.deleteMany({ where: { channelId } });
  }

  async exists(channelId: string, type: string, keyId: string): Promise<boolean> {
    const row = await this.prisma.channelAuthEntry.findUnique({
      where: { channelId_type_keyId: { channelId, type, keyId } },
      select: { keyId: true },
    });
    return row !== null;
  }
}
