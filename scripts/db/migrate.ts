/**
 * Offline migration commands (Prisma's schema engine as WebAssembly; no native engine download):
 *
 *   migrate.ts deploy                                  apply pending migrations
 *   migrate.ts create --name <name> [--empty]          new migration from the schema diff (not applied)
 *   migrate.ts status                                  pending / failed migrations (exit 1 if not up to date)
 *   migrate.ts diff [--exit-code]                      SQL from the database to prisma/schema.prisma
 *   migrate.ts resolve --applied|--rolled-back <name>  settle a migration by hand
 *
 * Target: DATABASE_URL when set, else the embedded PGlite in DATA_DIR (default ./.data), read by the gateway's
 * configuration parser (loadDatabaseConfig), so a bad value is refused as the gateway refuses it.
 * Options: --migrations <dir> and --schema <file> override prisma/migrations and prisma/schema.prisma.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
// Imported module by module rather than from the package index, which would load the Prisma client.
import { loadDatabaseConfig } from '../../src/platform/config/load-config';
import { embeddedDirectory } from '../../src/platform/database/embedded-pglite';
import type { Migrator } from '../../src/platform/database/migrations/migrator';
import { withMigrator } from '../../src/platform/database/migrations/open-migrator';
import { takeLastEnginePanic } from '../../src/platform/database/migrations/schema-engine-wasm';

const USAGE =
  'Usage: migrate.ts <deploy|create|status|diff|resolve> [--name <name>] [--empty] [--exit-code] ' +
  '[--applied <name> | --rolled-back <name>] [--migrations <dir>] [--schema <file>]';

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      empty: { type: 'boolean', default: false },
      'exit-code': { type: 'boolean', default: false },
      applied: { type: 'string' },
      'rolled-back': { type: 'string' },
      migrations: { type: 'string' },
      schema: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!command || extra.length > 0) throw new UsageError(USAGE);

  const { databaseUrl, dataDir } = loadDatabaseConfig();
  const options = {
    databaseUrl,
    dataDir,
    migrationsDir: values.migrations && path.resolve(values.migrations),
    schemaPath: values.schema && path.resolve(values.schema),
  };
  const target = databaseUrl ? `PostgreSQL ${redact(databaseUrl)}` : `embedded PGlite ${embeddedDirectory(dataDir)}`;
  const run = (work: (migrator: Migrator) => Promise<number>) => {
    process.stderr.write(`Database: ${target}\n`);
    return withMigrator(options, work);
  };

  switch (command) {
    case 'deploy':
      return run(async (migrator) => {
        const applied = await migrator.deploy();
        if (applied.length === 0) say('No pending migrations to apply.');
        else say(`Applied ${applied.length} migration(s):\n${list(applied)}`);
        return 0;
      });

    case 'status':
      return run(async (migrator) => {
        const status = await migrator.status();
        say(`${status.local.length} migration(s) found in the migrations folder.`);
        if (status.failed.length > 0) {
          say(`Failed migration(s), to settle with resolve --applied or --rolled-back:\n${list(status.failed)}`);
        }
        if (status.pending.length > 0) say(`Not yet applied:\n${list(status.pending)}`);
        if (status.unknown.length > 0) say(`Applied to the database but missing locally:\n${list(status.unknown)}`);
        if (status.edited.length > 0) say(`Changed since they were applied:\n${list(status.edited)}`);
        if (status.upToDate) say('Database schema is up to date.');
        return status.upToDate ? 0 : 1;
      });

    case 'diff':
      return run(async (migrator) => {
        const script = await migrator.diff();
        if (!script) {
          process.stderr.write('No difference between the database and the schema.\n');
          return 0;
        }
        process.stdout.write(script.endsWith('\n') ? script : `${script}\n`);
        return values['exit-code'] ? 2 : 0;
      });

    case 'create': {
      const name = values.name;
      if (!name || !/^[A-Za-z0-9_]+$/.test(name)) {
        throw new UsageError('create needs --name <name> (letters, digits and underscores)');
      }
      return run(async (migrator) => {
        const created = await migrator.create(name, { empty: values.empty });
        if (!created) {
          say('The schema has no change to migrate; nothing created (use --empty for a hand-written migration).');
        } else {
          say(`Created ${displayPath(created.file)}`);
        }
        return 0;
      });
    }

    case 'resolve': {
      const applied = values.applied;
      const rolledBack = values['rolled-back'];
      if (!applied === !rolledBack) throw new UsageError('resolve needs exactly one of --applied <name> or --rolled-back <name>');
      return run(async (migrator) => {
        if (applied) {
          await migrator.markApplied(applied);
          say(`Migration ${applied} marked as applied.`);
        } else {
          await migrator.markRolledBack(rolledBack as string);
          say(`Migration ${rolledBack} marked as rolled back.`);
        }
        return 0;
      });
    }

    default:
      throw new UsageError(`Unknown command "${command}". ${USAGE}`);
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function list(names: string[]): string {
  return names.map((name) => `  - ${name}`).join('\n');
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

// A panic inside the engine surfaces as an uncaught "unreachable" trap; print what the engine said.
process.on('uncaughtException', (error) => {
  const panic = takeLastEnginePanic();
  process.stderr.write(`Error: ${panic ? `schema engine panic: ${panic}` : (error.stack ?? error.message)}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`Error: ${error.message}\n`);
    process.exit(error instanceof UsageError ? 64 : 1);
  },
);
