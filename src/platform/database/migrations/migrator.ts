import { existsSync, readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { bindForEngine } from './engine-binding';
import { type EngineAdapterFactory, pgliteEngineAdapter, postgresEngineAdapter } from './engine-adapters';
import { migrationNames, readMigrationList, writeMigration } from './migration-files';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH } from './project-paths';
import {
  type HistoryDiagnostic,
  loadSchemaEngine,
  type SchemaEngine,
  type SchemaFilter,
  type SchemasContainer,
  takeLastEnginePanic,
} from './schema-engine-wasm';

/** Where migrations go: a PostgreSQL server by URL, or an embedded PGlite the caller has opened (and locked). */
export type MigrationTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; db: PGlite };

export interface MigratorOptions {
  migrationsDir?: string;
  schemaPath?: string;
}

export interface MigrationStatus {
  /** Every migration in the migrations folder, in order. */
  local: string[];
  /** In the folder, not (successfully) applied to the database. */
  pending: string[];
  /** Started on the database and never finished: `migrate resolve` must settle them first. */
  failed: string[];
  /** Applied, but their migration.sql changed since (checksum mismatch). */
  edited: string[];
  /** Applied to the database, missing from the folder. */
  unknown: string[];
  upToDate: boolean;
}

export interface CreatedMigration {
  name: string;
  file: string;
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
// A datasource alone is enough for commands that read only migration files and the database.
const DATASOURCE_ONLY = 'datasource db {\n  provider = "postgresql"\n}\n';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * `migrate deploy / dev --create-only / status / diff / resolve`, run by Prisma's schema engine compiled
 * to WebAssembly and driven through a driver adapter, so no native engine binary is needed.
 * `_prisma_migrations` is the engine's own table: the official CLI reads it the same way.
 */
export class Migrator {
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly engine: SchemaEngine,
    private readonly adapter: EngineAdapterFactory,
    private readonly migrationsDir: string,
    private readonly schema: SchemasContainer | undefined,
  ) {}

  static async open(target: MigrationTarget, options: MigratorOptions = {}): Promise<Migrator> {
    const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
    const schemaPath = options.schemaPath ?? DEFAULT_SCHEMA_PATH;
    const schema = existsSync(schemaPath) ? { files: [{ path: schemaPath, content: readFileSync(schemaPath, 'utf8') }] } : undefined;
    const datamodel = schema?.files[0] ?? { path: 'schema.prisma', content: DATASOURCE_ONLY };

    const adapter = target.kind === 'postgres' ? postgresEngineAdapter(target.url) : pgliteEngineAdapter(target.db);
    const { SchemaEngine } = loadSchemaEngine();
    try {
      const engine = await SchemaEngine.new(
        { datamodels: [[datamodel.path, datamodel.content]] },
        () => undefined, // engine log lines; its errors come back through the rejected calls
        bindForEngine(adapter),
      );
      return new Migrator(engine, adapter, migrationsDir, schema);
    } catch (error) {
      await adapter.close();
      throw asMigrationError(error);
    }
  }

  /** Applies every pending migration, each atomically, oldest first. Returns the names applied. */
  async deploy(): Promise<string[]> {
    const { appliedMigrationNames } = await this.call(() =>
      this.engine.applyMigrations({ migrationsList: this.migrations(), filters: NO_FILTER }),
    );
    return appliedMigrationNames;
  }

  async status(): Promise<MigrationStatus> {
    const migrationsList = this.migrations();
    const local = migrationNames(migrationsList);
    const result = await this.call(() =>
      this.engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
    );
    const { pending, unknown } = readHistory(result.history);
    return {
      local,
      pending,
      failed: result.failedMigrationNames,
      edited: result.editedMigrationNames,
      unknown,
      upToDate: pending.length === 0 && result.failedMigrationNames.length === 0 && unknown.length === 0,
    };
  }

  /** SQL that would bring the database to the schema (empty when they match). */
  async diff(): Promise<string> {
    const schema = this.requireSchema();
    const result = await this.call(() =>
      this.engine.diff({
        from: { tag: 'schemaDatasource', files: schema.files, configDir: this.migrationsDir },
        to: { tag: 'schemaDatamodel', files: schema.files },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      }),
    );
    return isEmptyDiff(result.stdout) ? '' : (result.stdout ?? '');
  }

  /**
   * Like `prisma migrate dev --create-only`: checks the database against the migration history (replayed
   * on a shadow database), applies pending migrations, then writes a migration from the schema diff
   * without applying it. Returns null when the schema has no change, unless `empty` asks for an empty
   * migration to fill by hand.
   */
  async create(name: string, options: { empty?: boolean } = {}): Promise<CreatedMigration | null> {
    const schema = this.requireSchema();
    await this.checkHistoryForDev();
    // createMigration relies on the shadow database prepared by the devDiagnostic just before it, so
    // after applying pending migrations the diagnostic runs again.
    if (existsSync(this.migrationsDir) && (await this.deploy()).length > 0) await this.checkHistoryForDev();
    const created = await this.call(() =>
      this.engine.createMigration({
        draft: options.empty ?? false,
        migrationName: name,
        migrationsList: this.migrations({ mayBeMissing: true }),
        schema,
        filters: NO_FILTER,
      }),
    );
    if (created.migrationScript === null) return null;
    const file = writeMigration(this.migrationsDir, created.generatedMigrationName, created.migrationScript);
    return { name: created.generatedMigrationName, file };
  }

  private async checkHistoryForDev(): Promise<void> {
    const { action } = await this.call(() =>
      this.engine.devDiagnostic({ migrationsList: this.migrations({ mayBeMissing: true }), filters: NO_FILTER }),
    );
    if (action.tag === 'reset') {
      throw new MigrationError(`The database must be reset before a migration can be created: ${action.reason}`);
    }
  }

  /** Records a migration as applied without running it (it was applied by hand, or its effect exists). */
  async markApplied(name: string): Promise<void> {
    await this.call(() => this.engine.markMigrationApplied({ migrationName: name, migrationsList: this.migrations() }));
  }

  /** Marks a failed migration as rolled back, so deploy runs it again. */
  async markRolledBack(name: string): Promise<void> {
    await this.call(() => this.engine.markMigrationRolledBack({ migrationName: name }));
  }

  /** Frees the engine and its connections, which also releases the migration advisory lock. Idempotent. */
  close(): Promise<void> {
    return (this.closed ??= (async () => {
      try {
        this.engine.free();
      } finally {
        await this.adapter.close();
      }
    })());
  }

  /** A missing folder is an error (a deployment without prisma/migrations would otherwise apply nothing). */
  private migrations(options: { mayBeMissing?: boolean } = {}) {
    if (!options.mayBeMissing && !existsSync(this.migrationsDir)) {
      throw new MigrationError(`Migrations folder not found: ${this.migrationsDir}`);
    }
    return readMigrationList(this.migrationsDir);
  }

  private requireSchema(): SchemasContainer {
    if (!this.schema) throw new MigrationError('This command needs prisma/schema.prisma, which was not found');
    return this.schema;
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw asMigrationError(error);
    }
  }
}

function readHistory(history: HistoryDiagnostic | null): { pending: string[]; unknown: string[] } {
  if (!history) return { pending: [], unknown: [] };
  switch (history.diagnostic) {
    case 'databaseIsBehind':
      return { pending: history.unappliedMigrationNames, unknown: [] };
    case 'migrationsDirectoryIsBehind':
      return { pending: [], unknown: history.unpersistedMigrationNames };
    case 'historiesDiverge':
      return { pending: history.unappliedMigrationNames, unknown: history.unpersistedMigrationNames };
  }
}

function isEmptyDiff(stdout: string | null): boolean {
  return !stdout || /^\s*(-- This is an empty migration\.\s*)?$/.test(stdout);
}

/** The engine rejects with JSON-ish user-facing errors or a bare trap after a panic; make them readable. */
function asMigrationError(error: unknown): MigrationError {
  if (error instanceof MigrationError) return error;
  const panic = takeLastEnginePanic();
  const raw = error instanceof Error ? error.message : String(error);
  let message = raw;
  try {
    const parsed = JSON.parse(raw) as { message?: string; error_code?: string; meta?: unknown };
    if (parsed.message) message = parsed.error_code ? `${parsed.error_code}: ${parsed.message}` : parsed.message;
  } catch {
    // not JSON: keep the message as it is
  }
  const wrapped = new MigrationError(panic ? `${message} (schema engine panic: ${panic})` : message);
  wrapped.cause = error;
  return wrapped;
}
