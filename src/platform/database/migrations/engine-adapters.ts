import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQueryable } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/**
 * Driver adapters handed to the schema engine. The stock adapters are built for the query path; as
 * migration drivers each has a flaw this module corrects:
 *
 * - `executeScript` of adapter-pg splits the script on every `;` and runs the pieces one by one, which
 *   breaks `$$ ... $$` bodies and leaves a failing migration half-applied. Here a script is sent as ONE
 *   simple query, which PostgreSQL runs in a single implicit transaction: all of it or none of it.
 * - `executeScript` of pglite-prisma-adapter does not await `exec()`, so a failing migration was
 *   reported as a success and recorded as applied. Here it is awaited (and is one statement, as above).
 * - The engine's introspection selects columns of Postgres' internal `"char"` type, which adapter-pg
 *   refuses to map ("Column type 'char' could not be deserialized"). Those columns are read as the
 *   engine's Character type (pglite-prisma-adapter already does so).
 * - `connectToShadowDb` of adapter-pg passes `{ connectionString, database }` to pg, and the connection
 *   string wins, so the "shadow" work ran against the main database. Shadow databases are created,
 *   connected to by their own URL, and dropped here.
 */
export interface EngineAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Disposes every connection and drops every shadow database this factory created. Idempotent. */
  close(): Promise<void>;
}

const CHAR_OID = 18;
const TEXT_OID = 25;
// `ColumnTypeEnum.Character` of @prisma/driver-adapter-utils: what the engine reads a "char" column as.
const CHARACTER_COLUMN_TYPE = 6;

interface FieldLike {
  dataTypeID: number;
}
interface QueryableInternals {
  performIO?: (query: object) => Promise<{ fields: FieldLike[] } | undefined>;
  onError?: (error: unknown) => never;
}

/**
 * Makes adapter-pg (and the transactions it starts) hand `"char"` columns to the engine as the
 * engine's Character type. adapter-pg maps no column to Character and throws on the type, so the field
 * is passed through its mapping as text, then its column type is set back to Character: reading it as
 * plain text instead makes the engine panic ("Getting constraint_type ... as char failed") as soon as
 * such a column has rows, e.g. a CHECK constraint on PostgreSQL 15 or any NOT NULL on PostgreSQL 18.
 */
function readCharColumns<T extends SqlQueryable>(queryable: T): T {
  const internals = queryable as T & QueryableInternals;
  const performIO = internals.performIO?.bind(queryable);
  if (!performIO) {
    throw new Error(`${queryable.constructor.name} has no performIO(); the engine adapter needs updating`);
  }
  const charColumnsOf = new WeakMap<object, number[]>();
  internals.performIO = async (query) => {
    const result = await performIO(query);
    const charColumns: number[] = [];
    result?.fields.forEach((field, index) => {
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
        charColumns.push(index);
      }
    });
    if (charColumns.length > 0) charColumnsOf.set(query, charColumns);
    return result;
  };
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumnsOf.get(query) ?? []) result.columnTypes[index] = CHARACTER_COLUMN_TYPE;
    charColumnsOf.delete(query);
    return result;
  };
  return queryable;
}

function forEngine(
  adapter: SqlDriverAdapter,
  runScript: (script: string) => Promise<unknown>,
  dispose: () => Promise<void>,
): SqlDriverAdapter {
  const onError = (adapter as SqlDriverAdapter & QueryableInternals).onError?.bind(adapter);
  let disposed: Promise<void> | undefined;

  adapter.executeScript = async (script) => {
    try {
      await runScript(script);
    } catch (error) {
      // Converts a database error into the driver adapter error the engine knows how to report.
      if (onError) onError(error);
      throw error;
    }
  };
  adapter.dispose = () => (disposed ??= dispose());
  return adapter;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `wiu_shadow_<main database>_<random>`: unique, and says where a leftover one came from. */
export function shadowDatabaseName(url: string): string {
  const main = decodeURIComponent(new URL(url).pathname.slice(1))
    .replace(/[^A-Za-z0-9_]/g, '_')
    .slice(0, 32);
  return `wiu_shadow_${main}_${randomBytes(6).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** One pool of one connection: the engine is sequential, and its advisory lock then lives in one session. */
async function connectPostgres(url: string): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const adapter = readCharColumns(await new PrismaPg(pool).connect());
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => readCharColumns(await startTransaction(isolationLevel));
  return forEngine(
    adapter,
    (script) => pool.query(script),
    () => pool.end(),
  );
}

export function postgresEngineAdapter(url: string): EngineAdapterFactory {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      open.delete(adapter);
      await dispose();
    };
    open.add(adapter);
    return adapter;
  };

  const factory = new PrismaPg(url);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await connectPostgres(url)),
    connectToShadowDb: async () => {
      const name = shadowDatabaseName(url);
      const drop = () => withAdminClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
      await withAdminClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
      let shadow: SqlDriverAdapter;
      try {
        shadow = await connectPostgres(withDatabase(url, name));
      } catch (error) {
        await drop();
        throw error;
      }
      const disposeShadow = shadow.dispose.bind(shadow);
      let dropped: Promise<void> | undefined;
      shadow.dispose = () => (dropped ??= disposeShadow().finally(() => drop().then(() => undefined)));
      return track(shadow);
    },
    close: async () => {
      await Promise.all([...open].map((adapter) => adapter.dispose()));
    },
  };
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The engine over an already-open PGlite. Closing the factory leaves the main instance open (its owner
 * closes it); a shadow database is a throwaway in-memory PGlite, closed when the engine is done with it.
 */
export function pgliteEngineAdapter(db: PGlite): EngineAdapterFactory {
  const shadows = new Set<PGlite>();
  const factory = new PrismaPGlite(db);

  const connectTo = async (client: PGlite, dispose: () => Promise<void>) =>
    forEngine(await new PrismaPGlite(client).connect(), (script) => client.exec(script), dispose);

  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => connectTo(db, async () => undefined),
    connectToShadowDb: async () => {
      const shadow = await PGlite.create();
      shadows.add(shadow);
      return connectTo(shadow, async () => {
        shadows.delete(shadow);
        await shadow.close();
      });
    },
    close: async () => {
      await Promise.all(
        [...shadows].map((shadow) => {
          shadows.delete(shadow);
          return shadow.close();
        }),
      );
    },
  };
}
