import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { applyPendingMigrations, openDatabase, type PrismaClient } from '../../src/platform/database';
import { testPostgresUrl } from './test-services';

/**
 * The PostgreSQL server integration tests create their databases on (trust auth, superuser): the local one,
 * TEST_POSTGRES_URL, or the throwaway server the global setup started (see test-services.ts).
 */
export const TEST_SERVER_URL = testPostgresUrl();

export interface TestDatabase {
  /** Connection URL of this test's own database. */
  url: string;
  prisma: PrismaClient;
  /** Disconnects, terminates any other connection to the database, and drops it. */
  drop(): Promise<void>;
}

export function databaseUrl(name: string, serverUrl = TEST_SERVER_URL): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function uniqueDatabaseName(prefix = 'wiu_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function withServerClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await withServerClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * A fresh database with every migration applied. The migrations are run once, through the project's
 * migrator, into a template database named after their content; each test database is a copy of it,
 * which takes a few tens of milliseconds instead of a migration run.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const name = uniqueDatabaseName();
  await withServerClient((client) => createFromTemplate(client, name, template));

  const url = databaseUrl(name);
  const database = await openDatabase({ databaseUrl: url, dataDir: os.tmpdir() });
  let dropped: Promise<void> | undefined;
  return {
    url,
    prisma: database.prisma,
    drop: () =>
      (dropped ??= (async () => {
        try {
          await database.close();
        } finally {
          await dropDatabase(name);
        }
      })()),
  };
}

const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'prisma', 'migrations');
// Any number; the lock serialises template builds between test workers.
const TEMPLATE_LOCK = 0x77697574;
let templateReady: Promise<string> | undefined;

function ensureTemplate(): Promise<string> {
  return (templateReady ??= buildTemplate().catch((error) => {
    templateReady = undefined;
    throw error;
  }));
}

async function buildTemplate(): Promise<string> {
  const name = `wiu_template_${migrationsFingerprint()}`;
  await withServerClient(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) return;
      // Built under a temporary name and renamed when complete, so an interrupted build is never used.
      const building = uniqueDatabaseName('wiu_template_building');
      await client.query(`CREATE DATABASE "${building}"`);
      try {
        await applyPendingMigrations({
          databaseUrl: databaseUrl(building),
          dataDir: os.tmpdir(),
          migrationsDir: MIGRATIONS_DIR,
        });
        await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
        await client.query(`COMMENT ON DATABASE "${name}" IS '${TEMPLATE_BUILT}${Date.now()}'`);
        await dropStaleTemplates(client, name);
      } catch (error) {
        await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        throw error;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
  return name;
}

const TEMPLATE_BUILT = 'whatisup test template built at ';
/** Another checkout of the project may be testing a different migration set against the same server right now. */
const TEMPLATE_KEPT_MS = 6 * 3600_000;

/**
 * Templates of other migration sets, once no run can still be using them (built over six hours ago); one still
 * being copied from is left for the next build.
 */
async function dropStaleTemplates(client: Client, current: string): Promise<void> {
  const { rows } = await client.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database
      WHERE datname LIKE 'wiu\\_template\\_%' AND datname <> $1`,
    [current],
  );
  for (const { datname, comment } of rows) {
    const builtAt = comment?.startsWith(TEMPLATE_BUILT) ? Number(comment.slice(TEMPLATE_BUILT.length)) : 0;
    if (Date.now() - builtAt < TEMPLATE_KEPT_MS) continue;
    await client.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
  }
}

async function createFromTemplate(client: Client, name: string, template: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (error) {
      // 55006: another session is briefly connected to the template (a concurrent copy); retry.
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  if (existsSync(MIGRATIONS_DIR)) {
    for (const entry of readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(MIGRATIONS_DIR, entry.name, 'migration.sql');
      if (entry.isDirectory() && existsSync(file)) hash.update(entry.name).update('\0').update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}
