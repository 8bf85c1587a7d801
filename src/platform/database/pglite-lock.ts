import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no lock between processes: two processes on one data directory corrupt it silently. This
 * lock file (`<dir>.lock`, holding the owner's pid) makes the second one fail fast instead.
 */
export class PGliteDirectoryLockedError extends Error {
  override readonly name = 'PGliteDirectoryLockedError';

  constructor(
    readonly directory: string,
    readonly holderPid: number,
  ) {
    super(
      holderPid === process.pid
        ? `The embedded database in ${directory} is already open in this process (pid ${holderPid})`
        : `The embedded database in ${directory} is in use by another process (pid ${holderPid}); ` +
            'stop it, or point DATABASE_URL at a PostgreSQL server to run several processes',
    );
  }
}

export interface DirectoryLock {
  readonly path: string;
  /** Removes the lock file if this process still owns it. Idempotent. */
  release(): void;
}

// Locks this process holds, shared by every copy of this module (test runners load one per file). A lock
// file naming this pid that is not in here was left by an earlier process that had the same pid, as
// happens when a container restarts: it is stale.
const heldHere: Set<string> = ((globalThis as Record<symbol, Set<string>>)[Symbol.for('whatisup.pglite-locks')] ??= new Set<string>());

export function lockPathFor(directory: string): string {
  return `${path.resolve(directory)}.lock`;
}

/** Takes the lock on `directory` for this process, taking over a lock left by a process that died. */
export function acquireDirectoryLock(directory: string): DirectoryLock {
  const lockPath = lockPathFor(directory);
  mkdirSync(path.dirname(lockPath), { recursive: true });

  // The pid is written to a private file first and linked into place: link() fails if the lock exists,
  // so creation is atomic and a reader never sees a half-written lock.
  const draft = `${lockPath}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(draft, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        linkSync(draft, lockPath);
        return ownedLock(lockPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(lockPath);
      if (holder === undefined) continue; // removed meanwhile: try again
      if (holder === process.pid ? heldHere.has(lockPath) : isAlive(holder)) {
        throw new PGliteDirectoryLockedError(path.resolve(directory), holder);
      }
      takeOverStaleLock(lockPath, holder);
    }
    throw new Error(`Could not take the lock ${lockPath}: it keeps changing hands`);
  } finally {
    rmSync(draft, { force: true });
  }
}

function ownedLock(lockPath: string): DirectoryLock {
  let released = false;
  heldHere.add(lockPath);
  return {
    path: lockPath,
    release() {
      if (released) return;
      released = true;
      heldHere.delete(lockPath);
      if (readHolder(lockPath) === process.pid) rmSync(lockPath, { force: true });
    },
  };
}

/**
 * Moves the stale lock aside rather than deleting it, then checks that what was moved is the stale lock
 * that was read: if another process took the lock over in between, its fresh lock is put back.
 */
function takeOverStaleLock(lockPath: string, stalePid: number): void {
  const aside = `${lockPath}.${process.pid}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved !== stalePid && moved !== undefined) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // someone else holds it now; the next attempt reads who
    }
  }
  unlinkSync(aside);
}

function readHolder(lockPath: string): number | undefined {
  let content: string;
  try {
    content = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number.parseInt(content.trim(), 10);
  // An unreadable lock is treated as stale: no live process can be named as its owner.
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
