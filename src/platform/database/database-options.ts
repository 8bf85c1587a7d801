export interface DatabaseOptions {
  /** A PostgreSQL server (`postgresql://…`). Without it the embedded PGlite in `dataDir` is used. */
  databaseUrl?: string;
  /** PostgreSQL connections kept open at most (node-postgres' pool; 10 when not given). */
  poolSize?: number;
  /**
   * Prepare the plain-SQL statements on each PostgreSQL connection, so each is planned once (true when not given).
   * Off behind a pooler that hands each statement to any server connection (PgBouncer in transaction mode
   * before 1.21, or without `max_prepared_statements`).
   */
  preparedStatements?: boolean;
  /** The gateway's data directory; the embedded database lives in `<dataDir>/pglite`. */
  dataDir: string;
  /** Log every SQL query Prisma sends (to stdout). */
  logQueries?: boolean;
}
