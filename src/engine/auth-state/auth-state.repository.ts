import { Inject, Injectable } from '@nestjs/common';
import { type PrismaClient, SQL, type Sql } from '../../platform/database';
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
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  /**
   * Reads and writes go as plain SQL (sql.ts), not through Prisma: every socket reads and writes keys on each
   * login and each message it sends or receives, and Prisma's cost per statement is several times the driver's.
   */
  async read(channelId: string, type: string, keyIds: string[]): Promise<Map<string, Buffer>> {
    const rows = await this.sql.query<{ key_id: string; value: Uint8Array }>(
      `SELECT key_id, value FROM channel_auth_entries
        WHERE channel_id = $1::uuid AND type = $2 AND key_id = ANY($3::text[])`,
      [channelId, type, keyIds],
    );
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
    await this.sql.query(
      `WITH deleted AS (
         DELETE FROM channel_auth_entries e
          USING unnest($2::text[], $3::text[]) AS d(type, key_id)
          WHERE e.channel_id = $1::uuid AND e.type = d.type AND e.key_id = d.key_id
       )
       INSERT INTO channel_auth_entries (channel_id, type, key_id, value, updated_at)
       SELECT $1::uuid, w.type, w.key_id, decode(w.value, 'base64'), now()
         FROM unnest($4::text[], $5::text[], $6::text[]) AS w(type, key_id, value)
       ON CONFLICT (channel_id, type, key_id) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [
        channelId,
        deleted.map((e) => e.type),
        deleted.map((e) => e.keyId),
        written.map((e) => e.type),
        written.map((e) => e.keyId),
        written.map((e) => e.value.toString('base64')),
      ],
    );
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
