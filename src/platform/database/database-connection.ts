import type { PGlite } from '@electric-sql/pglite';

/**
 * What the migrator needs to reuse a database opened by `openDatabase` instead of opening the data
 * directory a second time. Kept apart from the Prisma client so the migration tooling never loads it.
 */
export type DatabaseConnection = { kind: 'postgres'; url: string } | { kind: 'pglite'; db: PGlite };

const connections = new WeakMap<object, DatabaseConnection>();

export function registerConnection<T extends object>(database: T, connection: DatabaseConnection): T {
  connections.set(database, connection);
  return database;
}

export function connectionOf(database: object): DatabaseConnection {
  const connection = connections.get(database);
  if (!connection) throw new Error('Not a database returned by openDatabase()');
  return connection;
}
