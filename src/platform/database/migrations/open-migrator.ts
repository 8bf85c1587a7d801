import type { DatabaseOptions } from '../database-options';
import { openEmbeddedPGlite } from '../embedded-pglite';
import { connectionOf } from '../database-connection';
import type { Database } from '../open-database';
import { Migrator, type MigratorOptions } from './migrator';

export interface MigratorTargetOptions extends DatabaseOptions, MigratorOptions {
  /** An open database to migrate through (for PGlite: the instance already holding the directory). */
  database?: Database;
}

export interface OpenMigrator {
  migrator: Migrator;
  /** Closes the migrator, and the embedded database if it was opened for it. */
  close: () => Promise<void>;
}

/**
 * A migrator on the same database the gateway would use: the given open database, else DATABASE_URL,
 * else the embedded PGlite of the data directory, opened under its lock for the migrator's lifetime.
 */
export async function openMigrator(options: MigratorTargetOptions): Promise<OpenMigrator> {
  const { migrationsDir, schemaPath } = options;

  if (options.database || options.databaseUrl) {
    const target = options.database ? connectionOf(options.database) : { kind: 'postgres' as const, url: options.databaseUrl as string };
    const migrator = await Migrator.open(target, { migrationsDir, schemaPath });
    return { migrator, close: () => migrator.close() };
  }

  const embedded = await openEmbeddedPGlite(options.dataDir);
  try {
    const migrator = await Migrator.open({ kind: 'pglite', db: embedded.db }, { migrationsDir, schemaPath });
    return {
      migrator,
      close: async () => {
        try {
          await migrator.close();
        } finally {
          await embedded.close();
        }
      },
    };
  } catch (error) {
    await embedded.close();
    throw error;
  }
}

/** Runs `work` with a migrator, closing it (and any embedded database it opened) afterwards. */
export async function withMigrator<T>(options: MigratorTargetOptions, work: (migrator: Migrator) => Promise<T>): Promise<T> {
  const { migrator, close } = await openMigrator(options);
  try {
    return await work(migrator);
  } finally {
    await close();
  }
}
