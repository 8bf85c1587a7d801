import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import type { PrismaClient } from '../../generated/prisma/client';

/**
 * Plain SQL on the gateway's own connections, beside Prisma, for the statements every message and every login
 * runs. Measured on this stack (warm, 4,000 statements, 10 at a time): a `$queryRaw` costs 0.13 ms of the
 * process' CPU and `pg` alone 0.035 ms; an interactive transaction of two statements 0.6–1.1 ms through Prisma
 * and 0.11 ms through `pg`. Everything else stays in Prisma: this is for hot paths, each written as one
 * statement where it can be. Values go as parameters, never into the text.
 */
export interface Sql {
  /** The rows of one statement. Columns come back as the driver reads them (bytea as bytes, int8 as text on pg). */
  query<T extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction on one connection: it commits when the work resolves and rolls back when it throws. */
  transaction<T>(work: (sql: SqlQuery) => Promise<T>): Promise<T>;
}

/** A statement's text and its parameters ($1 is values[0]). */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * A statement to run inside another one (a data-modifying `WITH`), only when the other's row was written:
 * its parameters numbered from `firstParameter`, and `onlyIf` the SQL condition that says the row was written.
 */
export type RidingStatement = (firstParameter: number, onlyIf: string) => Statement;

/** What a transaction's work can do: statements, on the transaction's connection. */
export type SqlQuery = Pick<Sql, 'query'>;

/** The token repositories inject the gateway's `Sql` with. */
export const SQL = Symbol('SQL');

const registered = new WeakMap<object, Sql>();

/** Ties the `Sql` of a database to its Prisma client, for the module that only gets the client. */
export function registerSql(prisma: PrismaClient, sql: Sql): void {
  registered.set(prisma, sql);
}

/** The `Sql` on the connections of `prisma`: its pool (PostgreSQL) or its database (PGlite). */
export function sqlOf(prisma: PrismaClient): Sql {
  const sql = registered.get(prisma);
  if (!sql) throw new Error('Not a Prisma client returned by openDatabase()');
  return sql;
}

/** `limitMs`: how long a statement of a transaction, or a pause between two, may last before PostgreSQL ends it. */
/** Statements on anything that answers `query(text, values)` with rows: a pg pool or client, PGlite or its transaction. */
function statementsOn(client: { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> }): SqlQuery {
  return {
    query: async <T extends object>(text: string, values: readonly unknown[] = []) =>
      (await client.query(text, values as unknown[])).rows as T[],
  };
}

export function poolSql(pool: pg.Pool, { limitMs = 10_000 }: { limitMs?: number } = {}): Sql {
  return {
    ...statementsOn(pool),
    async transaction<T>(work: (sql: SqlQuery) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // While it holds the connection, the pool does not listen to it: a server's goodbye (a restart, the limits
      // below) must not become an unhandled error event. The statement under way fails with it anyway.
      const onError = (error: Error) => (broken ??= error);
      client.on('error', onError);
      try {
        // In the same round trip as BEGIN, the limits Prisma's transactions have (its timeout): a statement stuck
        // on a lock, or work that stopped sending statements, ends the transaction instead of holding a connection.
        await client.query(
          `BEGIN; SET LOCAL statement_timeout = ${Math.round(limitMs)}; SET LOCAL idle_in_transaction_session_timeout = ${Math.round(limitMs)}`,
        );
        const result = await work(statementsOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot roll back is not handed to anyone else.
        await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
  };
}

export function pgliteSql(db: PGlite): Sql {
  return {
    ...statementsOn(db),
    transaction: <T>(work: (sql: SqlQuery) => Promise<T>) => db.transaction((tx: PGliteTransaction) => work(statementsOn(tx))),
  };
}
