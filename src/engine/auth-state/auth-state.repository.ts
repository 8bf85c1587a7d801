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

  /** In SQL rather than through the query builder: every socket reads keys on each login and message (a third less CPU). */
  async read(channelId: string, type: string, keyIds: string[]): Promise<Map<string, Buffer>> {
    const rows = await this.prisma.$queryRaw<{ key_id: string; value: Uint8Array }[]>`
      SELECT key_id, value FROM channel_auth_entries
       WHERE channel_id = ${channelId}::uuid AND type = ${type} AND key_id = ANY(${keyIds}::text[])`;
    return new Map(rows.map((row) => [row.key_id, Buffer.from(row.value)]));
  }

  /**
   * Applies a batch atomically, in one statement: Baileys expects a key-store transaction to land whole or not at
   * all, and a fresh session writes hundreds of pre-keys at once (one upsert each would outlive a transaction's
   * time limit on a busy database). Within a batch the last write of a key wins.
   */
  async write(channelId: string, entries: AuthEntryWrite[]): Promise<void> {
    const last = new Map<string, AuthEntryWrite>();
    for (const entry of entries) last.set(`${entry.type}\u0000${entry.keyId}`, entry);
    if (last.size === 0) return;
    const deleted = [...last.values()].filter((e) => e.value === null);
    const written = [...last.values()].filter((e): e is AuthEntryWrite & { value: Buffer } => e.value !== null);
    await this.prisma.$executeRaw`
      WITH deleted AS (
        DELETE FROM channel_auth_entries e
         USING unnest(${deleted.map((e) => e.type)}::text[], ${deleted.map((e) => e.keyId)}::text[]) AS d(type, key_id)
         WHERE e.channel_id = ${channelId}::uuid AND e.type = d.type AND e.key_id = d.key_id
      )
      INSERT INTO channel_auth_entries (channel_id, type, key_id, value, updated_at)
      SELECT ${channelId}::uuid, w.type, w.key_id, decode(w.value, 'base64'), now()
        FROM unnest(${written.map((e) => e.type)}::text[], ${written.map((e) => e.keyId)}::text[], ${written.map((e) => e.value.toString('base64'))}::text[])
          AS w(type, key_id, value)
      ON CONFLICT (channel_id, type, key_id) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`;
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
