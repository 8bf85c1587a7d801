import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The Prisma CLI downloads its native schema engine before running any command, and that download
// host is not reachable from every build machine. Pointing it at a local stub lets `prisma generate`
// (which needs no engine) run offline; migrations go through scripts/db/migrate.ts instead.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, 'scripts', 'db', 'schema-engine-stub.js');

export default defineConfig({
  schema: path.join(__dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'migrations') },
  // Only so that `prisma migrate …` reaches the stub and explains which command to use instead.
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
