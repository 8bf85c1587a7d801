import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { MigrationError, Migrator } from '../../src/platform/database';
import { migrationChecksum } from '../../src/platform/database/migrations/migration-files';
import { databaseUrl, dropDatabase, uniqueDatabaseName, withServerClient } from '../support/database';
import {
  BROKEN_MIGRATION,
  CHECK_CONSTRAINT_MIGRATION,
  DOLLAR_QUOTED_MIGRATION,
  migrationsWith,
  PROJECT_MIGRATIONS,
  tempDir,
} from './fixtures/migration-dirs';

const projectMigrations = readdirSync(PROJECT_MIGRATIONS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe(`${Migrator.name} on PostgreSQL`, () => {
  let name: string;
  let url: string;
  let client: Client;
  const cleanups: Array<() => void | Promise<void>> = [];

  const openMigrator = async (migrationsDir = PROJECT_MIGRATIONS) => {
    const migrator = await Migrator.open({ kind: 'postgres', url }, { migrationsDir });
    cleanups.push(() => migrator.close());
    return migrator;
  };
  const scalar = async <T>(sql: string, params: unknown[] = []): Promise<T> =>
    Object.values((await client.query(sql, params)).rows[0] ?? {})[0] as T;

  beforeEach(async () => {
    name = uniqueDatabaseName();
    url = databaseUrl(name);
    await withServerClient((server) => server.query(`CREATE DATABASE "${name}"`));
    client = new Client({ connectionString: url });
    await client.connect();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await client.end();
    await dropDatabase(name);
  });

  it('applies every migration to an empty database, after which the schema has no diff', async () => {
    const migrator = await openMigrator();

    expect(await migrator.deploy()).toEqual(projectMigrations);
    expect(await migrator.diff()).toBe('');
    expect((await client.query('SELECT "id" FROM "plans" ORDER BY "id"')).rows).toEqual([
      { id: 'free' },
      { id: 'pro' },
      { id: 'unlimited' },
    ]);
  });

  it('reports pending migrations, then up to date once they are applied', async () => {
    const migrator = await openMigrator();

    expect(await migrator.status()).toMatchObject({ pending: projectMigrations, failed: [], upToDate: false });
    await migrator.deploy();
    expect(await migrator.status()).toMatchObject({ local: projectMigrations, pending: [], failed: [], upToDate: true });
  });

  it('applies nothing the second time', async () => {
    const migrator = await openMigrator();
    await migrator.deploy();

    expect(await migrator.deploy()).toEqual([]);
    expect(await scalar<string>('SELECT count(*) FROM "_prisma_migrations"')).toBe(String(projectMigrations.length));
  });

  it('records the SHA-256 of migration.sql as the checksum, as Prisma does', async () => {
    await (await openMigrator()).deploy();

    const rows = (await client.query('SELECT "migration_name", "checksum" FROM "_prisma_migrations" ORDER BY 1')).rows;
    expect(rows).toEqual(
      projectMigrations.map((migration) => ({
        migration_name: migration,
        checksum: migrationChecksum(readFileSync(path.join(PROJECT_MIGRATIONS, migration, 'migration.sql'))),
      })),
    );
  });

  it('does not record a failing migration as applied, and leaves nothing of it behind', async () => {
    const broken = '29990101000000_broken';
    const dir = migrationsWith({ [broken]: BROKEN_MIGRATION });
    cleanups.push(dir.remove);
    const migrator = await openMigrator(dir.path);

    await expect(migrator.deploy()).rejects.toThrow(MigrationError);

    expect(await scalar<string | null>(`SELECT to_regclass('"half_applied"')::text`)).toBeNull();
    expect(await scalar<string>(`SELECT count(*) FROM "plans" WHERE "id" = 'half'`)).toBe('0');
    expect(
      (await client.query('SELECT "finished_at", "rolled_back_at" FROM "_prisma_migrations" WHERE "migration_name" = $1', [broken])).rows,
    ).toEqual([{ finished_at: null, rolled_back_at: null }]);
    expect(await migrator.status()).toMatchObject({ failed: [broken], upToDate: false });
    await expect(migrator.deploy()).rejects.toThrow(/failed/);

    await migrator.markRolledBack(broken);
    expect(await migrator.status()).toMatchObject({ failed: [], pending: [broken], upToDate: false });
  });

  it('sends each migration whole, so a dollar-quoted body full of semicolons applies', async () => {
    const dir = migrationsWith({ '29990101000000_function': DOLLAR_QUOTED_MIGRATION });
    cleanups.push(dir.remove);

    await (await openMigrator(dir.path)).deploy();

    expect(await scalar<number>(`SELECT "plan_limit_or_default"('pro')`)).toBe(25);
  });

  it('reads the catalog\'s "char" columns when they have rows (a CHECK constraint)', async () => {
    const dir = migrationsWith({ '29990101000000_check': CHECK_CONSTRAINT_MIGRATION });
    cleanups.push(dir.remove);
    const migrator = await openMigrator(dir.path);
    await migrator.deploy();

    await expect(migrator.diff()).resolves.toBe('');
    await expect(migrator.status()).resolves.toMatchObject({ upToDate: true });
  });

  it('creates a migration on a shadow database of its own, leaving the target database and server clean', async () => {
    const dir = tempDir('wiu-migrations');
    cleanups.push(dir.remove);
    const migrator = await openMigrator(dir.path);

    const created = await migrator.create('init');

    expect(created?.name).toMatch(/^\d{14}_init$/);
    expect(readFileSync(created?.file as string, 'utf8')).toContain('CREATE TABLE "plans"');
    expect(readFileSync(path.join(dir.path, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');
    // Created, not applied: the diffing happened on a shadow database, which is gone.
    expect(await scalar<string | null>(`SELECT to_regclass('"plans"')::text`)).toBeNull();
    const shadows = await withServerClient((server) =>
      server.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`wiu\\_shadow\\_${name}\\_%`]),
    );
    expect(shadows.rows).toEqual([]);
    // And it is the whole schema: applied, nothing is left to diff.
    await migrator.deploy();
    expect(await migrator.diff()).toBe('');
  });

  it('creates nothing when the schema has no change, unless an empty migration is asked for', async () => {
    const migrator = await openMigrator();

    expect(await migrator.create('nothing')).toBeNull();
    // Pending migrations were applied on the way, as `migrate dev` does.
    expect((await migrator.status()).upToDate).toBe(true);
    // The engine keeps Prisma's advisory lock for as long as a migrator is open.
    await migrator.close();

    const dir = migrationsWith({});
    cleanups.push(dir.remove);
    const empty = await (await openMigrator(dir.path)).create('by_hand', { empty: true });
    expect(readFileSync(empty?.file as string, 'utf8')).toContain('empty migration');
  });

  it('marks a migration applied without running it', async () => {
    const deployer = await openMigrator();
    await deployer.deploy();
    await deployer.close();
    const manual = '29990101000000_manual';
    const dir = migrationsWith({ [manual]: 'CREATE TABLE "never_created" ("id" INTEGER);\n' });
    cleanups.push(dir.remove);
    const migrator = await openMigrator(dir.path);

    await migrator.markApplied(manual);

    expect(await migrator.status()).toMatchObject({ pending: [], upToDate: true });
    expect(await migrator.deploy()).toEqual([]);
    expect(await scalar<string | null>(`SELECT to_regclass('"never_created"')::text`)).toBeNull();
    await expect(migrator.markApplied(manual)).rejects.toThrow(MigrationError);
  });

  it('refuses to deploy from a migrations folder that does not exist', async () => {
    const migrator = await openMigrator(path.join(PROJECT_MIGRATIONS, 'not-there'));

    await expect(migrator.deploy()).rejects.toThrow('Migrations folder not found');
  });
});
