import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { acquireDirectoryLock } from './pglite-lock';

/** The embedded database of a data directory: `<dataDir>/pglite`, guarded by `<dataDir>/pglite.lock`. */
export function embeddedDirectory(dataDir: string): string {
  return path.resolve(dataDir, 'pglite');
}

export interface EmbeddedPGlite {
  db: PGlite;
  directory: string;
  /** Closes PGlite, then releases the directory lock. Idempotent. */
  close(): Promise<void>;
}

/** Opens the embedded database for this process only; refuses a directory another live process holds. */
export async function openEmbeddedPGlite(dataDir: string): Promise<EmbeddedPGlite> {
  const directory = embeddedDirectory(dataDir);
  const lock = acquireDirectoryLock(directory);
  let db: PGlite;
  try {
    db = await PGlite.create(directory);
  } catch (error) {
    lock.release();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    db,
    directory,
    close: () => (closed ??= db.close().finally(() => lock.release())),
  };
}
