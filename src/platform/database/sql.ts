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

/** Statements on anything that answers `query(text, values)` with rows: PGlite or its transaction. */
function statementsOn(client: { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> }): SqlQuery {
  return {
    query: async <T extends object>(text: string, values: readonly unknown[] = []) =>
      (await client.query(text, values as unknown[])).rows as T[],
  };
}

/**
 * Put in a statement's text to have it planned at every call, with its parameters' values, rather than prepared
 * once a connection. For a statement whose best plan depends on them and on the tables' sizes, such as an
 * update joined to an array parameter: prepared, PostgreSQL switches to one plan for any values after five
 * calls, and a plan made while the table was small (a hash of the whole table) stays with the connection until
 * the table is analyzed. Measured: a status change of 2 messages in a 200,000-row table under that plan, a
 * sequential scan of all of them, 170 ms; planned with its values, two index lookups.
 */
export const PLANNED_PER_CALL = '/* planned per call */';

/**
 * The names of the statements prepared on PostgreSQL's connections, by text. The gateway's plain statements
 * have a bounded set of texts (values always go as parameters), and planning them again at every call cost
 * more than running them: on the webhook claim, 0.53 ms of planning against 0.13 ms of execution. A named
 * statement is parsed and planned once per connection, then its plan is reused. Past the cap (a text built
 * from something unbounded, a bug) statements run unnamed, as before.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private readonly stale = new Set<string>();

  constructor(private readonly cap = 1_000) {}

  nameOf(text: string): string | undefined {
    if (this.stale.has(text)) return undefined;
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.cap) {
      if (text.includes(PLANNED_PER_CALL)) return undefined;
      name = `wiu_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** A statement whose prepared plan no longer fits the schema (a migration while running) goes unnamed from now on. */
  forget(text: string): void {
    this.stale.add(text);
  }
}

/** PostgreSQL's answer when a prepared statement's result no longer matches the tables it reads. */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: string }).code === '0A000' && /cached plan must not change result type/.test(String(error));
}

/**
 * Statements on a pg pool, or on a client holding a transaction, named (prepared) when `prepared` is given. A
 * statement refused for a stale plan runs again unnamed on the pool; inside a transaction, which the refusal
 * has aborted, the unit of work fails once, and runs unnamed when it is tried again.
 */
function pgStatementsOn(client: pg.Pool | pg.PoolClient, prepared: PreparedStatements | undefined, inTransaction = false): SqlQuery {
  return {
    query: async <T extends object>(text: string, values: readonly unknown[] = []) => {
      const name = prepared?.nameOf(text);
      if (name === undefined) return (await client.query(text, values as unknown[])).rows as T[];
      try {
        return (await client.query({ name, text, values: values as unknown[] })).rows as T[];
      } catch (error) {
        // Refused at planning, so nothing ran: once more, unnamed.
        if (!isStalePlan(error)) throw error;
        prepared?.forget(text);
        if (inTransaction) throw error;
        return (await client.query(text, values as unknown[])).rows as T[];
      }
    },
  };
}

/**
 * `limitMs`: how long a statement of a transaction, or a pause between two, may last before PostgreSQL ends it.
 * `prepared`: the statements to prepare on the connections (off where a pooler in front of PostgreSQL hands
 * each statement to any server connection).
 */
export function poolSql(pool: pg.Pool, { limitMs = 10_000, prepared }: { limitMs?: number; prepared?: PreparedStatements } = {}): Sql {
  return {
    ...pgStatementsOn(pool, prepared),
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
        const result = await work(pgStatementsOn(client, prepared, true));
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
