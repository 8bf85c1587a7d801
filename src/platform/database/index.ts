// The rest of the gateway imports Prisma's types from here, never from the generated folder.
export { Prisma } from '../../generated/prisma/client';
export type { PrismaClient } from '../../generated/prisma/client';
export { applyPendingMigrations } from './apply-pending-migrations';
export type { DatabaseOptions } from './database-options';
export { embeddedDirectory } from './embedded-pglite';
export { type CreatedMigration, MigrationError, type MigrationStatus, Migrator } from './migrations/migrator';
export { type MigratorTargetOptions, openMigrator, withMigrator } from './migrations/open-migrator';
export { type Database, type DatabaseKind, openDatabase } from './open-database';
export { PGliteDirectoryLockedError } from './pglite-lock';
export { PLANNED_PER_CALL, type RidingStatement, SQL, type Sql, type SqlQuery, sqlOf, type Statement } from './sql';
export { clientOf, sqlIn, type Transaction, Transactions } from './transactions';
export { isDatabaseUnavailable, whileDatabaseUnavailable } from './unavailable';
