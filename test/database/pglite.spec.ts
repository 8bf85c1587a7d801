import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationChecksum } from '../../src/platform/database/migrations/migration-files';
import { BROKEN_MIGRATION, DOLLAR_QUOTED_MIGRATION, migrationsWith, PROJECT_MIGRATIONS } from './fixtures/migration-dirs';
import { SQL_SCENARIO_RESULT } from './fixtures/sql-scenario';
import { freshDataDir, removePristineDataDir, runPGliteScenario } from './fixtures/run-in-node';

const projectMigrations = readdirSync(PROJECT_MIGRATIONS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

// Each test starts Node processes that compile TypeScript on the fly (and PGlite loads a WebAssembly
// PostgreSQL): on two busy cores that can pass Jest's default minute.
jest.setTimeout(180_000);

describe('The embedded PGlite database', () => {
  const cleanups: Array<() => void> = [];
  const dataDir = async () => {
    const dir = await freshDataDir();
    cleanups.push(dir.remove);
    return dir.path;
  };

  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  afterAll(removePristineDataDir);

  describe('migrations', () => {
    it('apply to an empty data directory, idempotently, with Prisma checksums and no diff left', async () => {
      const result = await runPGliteScenario<Record<string, unknown>>('migrate', { dataDir: await dataDir() });

      expect(result.statusBefore).toMatchObject({ pending: projectMigrations, upToDate: false });
      expect(result.applied).toEqual(projectMigrations);
      expect(result.diff).toBe('');
      expect(result.statusAfter).toMatchObject({ pending: [], failed: [], upToDate: true });
      expect(result.appliedAgain).toEqual([]);
      expect(result.plans).toBe(3);
      expect(result.checksums).toEqual(
        projectMigrations.map((name) => ({
          name,
          checksum: migrationChecksum(readFileSync(path.join(PROJECT_MIGRATIONS, name, 'migration.sql'))),
        })),
      );
    });

    it('do not record a failing migration as applied, and leave nothing of it behind', async () => {
      const broken = '29990101000000_broken';
      const migrations = migrationsWith({ [broken]: BROKEN_MIGRATION });
      cleanups.push(migrations.remove);

      const result = await runPGliteScenario<Record<string, unknown> & { deployError: { message: string } }>('broken', {
        dataDir: await dataDir(),
        migrationsDir: migrations.path,
        broken,
      });

      expect(result.deployError).toMatchObject({ name: 'MigrationError' });
      expect(result.deployError.message).toContain('this_function_does_not_exist');
      expect(result.halfTable).toBeNull();
      expect(result.halfPlans).toBe(0);
      expect(result.finished).toBe(false);
      expect(result.status).toMatchObject({ failed: [broken], upToDate: false });
      expect(result.secondDeployError).toMatchObject({ name: 'MigrationError' });
    });

    it('are sent whole, so a dollar-quoted body full of semicolons applies', async () => {
      const migrations = migrationsWith({ '29990101000000_function': DOLLAR_QUOTED_MIGRATION });
      cleanups.push(migrations.remove);

      const result = await runPGliteScenario('dollar', { dataDir: await dataDir(), migrationsDir: migrations.path });

      expect(result).toEqual({ limit: 25 });
    });

    it('run under the directory lock and release it when done', async () => {
      const result = await runPGliteScenario('apply-and-release', { dataDir: await dataDir() });

      expect(result).toEqual({ first: projectMigrations, second: [], lockLeft: null });
    });
  });

  describe('Prisma client', () => {
    it('migrates through the open database, then commits and rolls back interactive transactions', async () => {
      const result = await runPGliteScenario<Record<string, unknown>>('transactions', { dataDir: await dataDir() });

      expect(result).toEqual({
        kind: 'pglite',
        applied: projectMigrations,
        committed: 1,
        rollbackError: { name: 'Error', message: 'abort the transaction' },
        afterRollback: [{ id: 'c1' }],
        batchCount: 2,
      });
    });
  });

  describe('plain SQL (the hot paths beside Prisma)', () => {
    it('takes text, array and byte parameters, and commits, rolls back and serialises transactions', async () => {
      expect(await runPGliteScenario('sql', { dataDir: await dataDir() })).toEqual(SQL_SCENARIO_RESULT);
    });
  });
});
