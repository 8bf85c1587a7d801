import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The directory holding `prisma/` — found by walking up from this file so it is the same whether the
 * code runs from `src/` (TypeScript), from `dist/` (compiled) or with another working directory.
 */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'prisma', 'schema.prisma'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export const DEFAULT_SCHEMA_PATH = path.join(projectRoot(), 'prisma', 'schema.prisma');
export const DEFAULT_MIGRATIONS_DIR = path.join(projectRoot(), 'prisma', 'migrations');
