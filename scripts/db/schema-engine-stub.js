#!/usr/bin/env node
// Stands in for Prisma's native schema engine, which the Prisma CLI wants to download before any
// command (even `generate`). `generate` only asks it for its version; everything that needs a real
// engine goes through the project's own migrator (scripts/db/migrate.ts) instead.
'use strict';

const args = process.argv.slice(2);

if (args.includes('--version') || args.includes('-V')) {
  process.stdout.write('schema-engine-cli 0.0.0-offline-stub\n');
  process.exit(0);
}

const message =
  'The native Prisma schema engine is not available in this project. Use the offline migration commands: ' +
  'npm run db:migrate | db:migrate:create | db:migrate:status | db:diff | db:migrate:resolve (see docs/database.md).';
// The Prisma CLI reads the engine's stderr as JSON log lines (skipping the first line of a failed
// command's output); anything else would reach the user garbled.
process.stderr.write(`Offline schema engine stub\n${JSON.stringify({ level: 'ERROR', fields: { message }, target: 'schema_engine' })}\n`);
process.exit(1);
