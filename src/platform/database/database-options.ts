export interface DatabaseOptions {
  /** A PostgreSQL server (`postgresql://…`). Without it the embedded PGlite in `dataDir` is used. */
  databaseUrl?: string;
  /** PostgreSQL connections kept open at most (node-postgres' pool; 10 when not given). */
  poolSize?: number;
  /** The gateway's data directory; the embedded database lives in `<dataDir>/pglite`. */
  dataDir: string;
  /** Log every SQL query Prisma sends (to stdout). */
  logQueries?: boolean;
}
