import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { applyPendingMigrations } from '../../src/platform/database';
import { databaseUrl, dropDatabase, uniqueDatabaseName, withServerClient } from '../support/database';
import { migrationsWith, PROJECT_MIGRATIONS, tempDir } from './fixtures/migration-dirs';
import { freshDataDir, removePristineDataDir, REPO_ROOT } from './fixtures/run-in-node';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const SCRIPTS: Record<string, string> = {
  'db:migrate': 'deploy',
  'db:migrate:create': 'create',
  'db:migrate:status': 'status',
  'db:diff': 'diff',
  'db:migrate:resolve': 'resolve',
};

/** `npm run <script> -- <args>` from the repository, as an operator would type it. */
function npmRun(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return run('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], env);
}

/** What `npm run <script>` runs, without npm's own start-up time. */
function script(name: string, args: string[], env: Record<string, string>): Promise<Run> {
  return run(process.execPath, ['-r', '@swc-node/register', 'scripts/db/migrate.ts', SCRIPTS[name], ...args], env);
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const projectMigrations = readdirSync(PROJECT_MIGRATIONS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

// Each test starts Node processes that compile TypeScript on the fly (and PGlite loads a WebAssembly
// PostgreSQL): on two busy cores that can pass Jest's default minute.
jest.setTimeout(180_000);

describe('The db:* commands on PostgreSQL', () => {
  let name: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    name = uniqueDatabaseName();
    env = { DATABASE_URL: databaseUrl(name) };
    await withServerClient((client) => client.query(`CREATE DATABASE "${name}"`));
  });
  afterEach(async () => {
    await dropDatabase(name);
  });

  it('npm run: report pending migrations, apply them once, then report the database up to date with no diff', async () => {
    const before = await npmRun('db:migrate:status', [], env);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`Not yet applied:\n${projectMigrations.map((m) => `  - ${m}`).join('\n')}`);

    const deploy = await npmRun('db:migrate', [], env);
    expect(deploy).toMatchObject({ code: 0 });
    expect(deploy.stdout).toContain(`Applied ${projectMigrations.length} migration(s):`);
    expect(deploy.stderr).toContain(`Database: PostgreSQL ${env.DATABASE_URL}`);

    expect((await npmRun('db:migrate', [], env)).stdout).toContain('No pending migrations to apply.');
    const after = await npmRun('db:migrate:status', [], env);
    expect(after).toMatchObject({ code: 0 });
    expect(after.stdout).toContain('Database schema is up to date.');
    expect(await npmRun('db:diff', ['--exit-code'], env)).toMatchObject({ code: 0, stdout: '' });
  });

  it('prints the SQL of a drift and exits 2 with --exit-code', async () => {
    await applyPendingMigrations({ databaseUrl: env.DATABASE_URL, dataDir: '.' });
    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query('ALTER TABLE "plans" ADD COLUMN "unexpected" INTEGER');
    await client.end();

    const diff = await script('db:diff', ['--exit-code'], env);

    expect(diff.code).toBe(2);
    expect(diff.stdout).toContain('DROP COLUMN "unexpected"');
  });

  it('resolves a migration as applied, and a failed one as rolled back', async () => {
    await applyPendingMigrations({ databaseUrl: env.DATABASE_URL, dataDir: '.' });
    const migrations = migrationsWith({
      '29990101000000_manual': 'CREATE TABLE "by_hand" ("id" INTEGER);\n',
      '29990102000000_broken': 'SELECT this_function_does_not_exist();\n',
    });
    try {
      const dir = ['--migrations', migrations.path];
      const applied = await script('db:migrate:resolve', ['--applied', '29990101000000_manual', ...dir], env);
      expect(applied).toMatchObject({ code: 0 });
      expect(applied.stdout).toContain('Migration 29990101000000_manual marked as applied.');

      const failed = await script('db:migrate', dir, env);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('this_function_does_not_exist');
      expect((await script('db:migrate:status', dir, env)).stdout).toContain('Failed migration(s)');

      const rolledBack = await script('db:migrate:resolve', ['--rolled-back', '29990102000000_broken', ...dir], env);
      expect(rolledBack.stdout).toContain('marked as rolled back');
      expect((await script('db:migrate:status', dir, env)).stdout).toContain('Not yet applied:\n  - 29990102000000_broken');
    } finally {
      migrations.remove();
    }
  });

  it('creates a migration from the schema, without applying it', async () => {
    const migrations = tempDir('wiu-migrations');
    try {
      const created = await script('db:migrate:create', ['--name', 'first', '--migrations', migrations.path], env);
      expect(created).toMatchObject({ code: 0 });
      expect(created.stdout).toMatch(/Created .*\d{14}_first\/migration\.sql/);
      expect((await script('db:migrate:status', ['--migrations', migrations.path], env)).code).toBe(1);
    } finally {
      migrations.remove();
    }
  });

  it('explains its usage on a wrong command', async () => {
    const usage = await script('db:migrate:resolve', [], env);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('resolve needs exactly one of --applied <name> or --rolled-back <name>');
  });
});

describe('The db:* commands on the embedded PGlite', () => {
  afterAll(removePristineDataDir);

  it('apply the migrations in DATA_DIR, then have nothing left to apply', async () => {
    const dataDir = await freshDataDir();
    try {
      const env = { DATA_DIR: dataDir.path };
      const first = await script('db:migrate', [], env);
      expect(first).toMatchObject({ code: 0 });
      expect(first.stderr).toContain(`Database: embedded PGlite ${dataDir.path}/pglite`);
      expect(first.stdout).toContain(`Applied ${projectMigrations.length} migration(s):`);
      expect((await script('db:migrate', [], env)).stdout).toContain('No pending migrations to apply.');
    } finally {
      dataDir.remove();
    }
  });
});
