import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client';
import { registerConnection } from './database-connection';
import type { DatabaseOptions } from './database-options';
import { openEmbeddedPGlite } from './embedded-pglite';
import { pgliteSql, poolSql, PreparedStatements, registerSql, type Sql } from './sql';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  prisma: PrismaClient;
  /** Plain SQL on the same connections, for hot paths (see sql.ts). */
  sql: Sql;
  kind: DatabaseKind;
  /** Disconnects Prisma; for PGlite also closes the database and releases its directory lock. */
  close(): Promise<void>;
}

/**
 * Opens the gateway's database: PostgreSQL through @prisma/adapter-pg when a URL is given, otherwise
 * the embedded PGlite in `<dataDir>/pglite`, which only one process may hold at a time.
 * Nothing is queried until the client is used, so migrations can run first on the same connection
 * (`applyPendingMigrations({ ...options, database })`).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  // Query errors are thrown to the caller, which maps and logs them with the request id; Prisma printing
  // them to stdout as well would only duplicate them outside the structured log.
  const log = options.logQueries ? (['query', 'warn', 'error'] as const) : (['warn'] as const);
  // A transaction waits up to 10 s (Prisma's default: 2 s) for a pooled connection: under a burst (many
  // deliveries or sends at once, two processes on one database) the pool is briefly exhausted, and waiting
  // a little longer beats failing a unit of work that would have succeeded.
  const transactionOptions = { maxWait: 10_000 };

  if (options.databaseUrl) {
    const url = options.databaseUrl;
    const pool = connectionPool(url, options.poolSize ?? 10);
    const prisma = new PrismaClient({
      adapter: new PrismaPg(pool, { disposeExternalPool: true }),
      log: [...log],
      transactionOptions,
    });
    const sql = poolSql(pool, { prepared: options.preparedStatements === false ? undefined : new PreparedStatements() });
    registerSql(prisma, sql);
    return registerConnection(
      { prisma, sql, kind: 'postgres', close: once(() => prisma.$disconnect()) },
      {
        kind: 'postgres',
        url,
      },
    );
  }

  const embedded = await openEmbeddedPGlite(options.dataDir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(embedded.db), log: [...log], transactionOptions });
  const sql = pgliteSql(embedded.db);
  registerSql(prisma, sql);
  const close = once(async () => {
    try {
      await prisma.$disconnect();
    } finally {
      await embedded.close();
    }
  });
  return registerConnection({ prisma, sql, kind: 'pglite', close }, { kind: 'pglite', db: embedded.db });
}

/**
 * node-postgres' pool, with an error listener on every connection for as long as it lives.
 *
 * A connection the server ends (a restart, an administrator's terminate) reports it as an `error` event, and an
 * event without a listener ends the process. The pool listens to its idle connections and a Prisma transaction
 * to the one it holds, but in between there is a gap: a query's end hands its connection to a transaction waiting
 * for one within the same read of the socket, and the transaction only listens a microtask later. When that read
 * also holds the server's goodbye (PostgreSQL restarting under load), nobody listened: the process died. Each
 * connection now has a listener from its creation; the pool still drops it (it is no longer queryable) and the
 * caller's query fails with a connection error, which the gateway answers as the database being unavailable.
 */
function connectionPool(url: string, max: number): pg.Pool {
  const logger = new Logger('Database');
  // Waits for a free connection as long as a Prisma transaction does (maxWait above), for plain SQL too.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  pool.on('connect', (client) =>
    client.on('error', (error) => logger.warn(`a database connection was closed by the server: ${error.message}`)),
  );
  pool.on('error', () => undefined); // the connection's own listener above has reported it
  return pool;
}

function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= work());
}
