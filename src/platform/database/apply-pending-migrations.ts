import { withMigrator, type MigratorTargetOptions } from './migrations/open-migrator';

/**
 * Brings the database up to date with prisma/migrations before the gateway serves anything.
 *
 * For the embedded PGlite, pass the database returned by `openDatabase` as `database`: the migrations
 * then run through the instance that already holds the directory lock, before the app's first query,
 * and PGlite is never opened twice. Without it, the directory is locked, migrated and released.
 * Concurrent migrators on one PostgreSQL server wait for each other (Prisma's advisory lock).
 */
export async function applyPendingMigrations(options: MigratorTargetOptions): Promise<{ applied: string[] }> {
  const applied = await withMigrator(options, (migrator) => migrator.deploy());
  return { applied };
}
