import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyPendingMigrations, embeddedDirectory, openDatabase, PGliteDirectoryLockedError } from '../../src/platform/database';
import { acquireDirectoryLock, lockPathFor } from '../../src/platform/database/pglite-lock';
import { tempDir } from './fixtures/migration-dirs';
import { freshDataDir, removePristineDataDir, REPO_ROOT, runPGliteScenario } from './fixtures/run-in-node';

/** Starts a process that opens the embedded database of `dataDir` and holds it; resolves once it has. */
function holdDatabase(dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(__dirname, 'fixtures', 'hold-embedded-database.ts'), dataDir],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`The holder exited with ${code}: ${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  return pid;
}

// Each test starts Node processes that compile TypeScript on the fly (and PGlite loads a WebAssembly
// PostgreSQL): on two busy cores that can pass Jest's default minute.
jest.setTimeout(180_000);

describe('The embedded database lock', () => {
  let dataDir: ReturnType<typeof tempDir>;
  let holder: ChildProcess | undefined;

  beforeEach(() => {
    dataDir = tempDir('wiu-data');
  });

  afterAll(removePristineDataDir);

  afterEach(async () => {
    if (holder && holder.exitCode === null && holder.signalCode === null) {
      holder.kill('SIGKILL');
      await exited(holder);
    }
    holder = undefined;
    dataDir.remove();
  });

  it('refuses a directory another live process holds, naming that process, and lets go once it died', async () => {
    dataDir.remove();
    dataDir = await freshDataDir();
    holder = await holdDatabase(dataDir.path);
    const pid = holder.pid as number;

    const refusal = openDatabase({ dataDir: dataDir.path });
    await expect(refusal).rejects.toThrow(PGliteDirectoryLockedError);
    await expect(refusal).rejects.toThrow(`in use by another process (pid ${pid})`);
    await expect(applyPendingMigrations({ dataDir: dataDir.path })).rejects.toMatchObject({ holderPid: pid });

    holder.kill('SIGKILL');
    await exited(holder);
    // The holder died without cleaning up: its lock is stale and the next process takes it over.
    expect(readFileSync(lockPathFor(embeddedDirectory(dataDir.path)), 'utf8').trim()).toBe(String(pid));
    const reopened = await runPGliteScenario<{ pid: number; lockWhileOpen: string; lockAfterClose: string | null }>('open', {
      dataDir: dataDir.path,
    });
    expect(reopened.lockWhileOpen).toBe(String(reopened.pid));
    expect(reopened.lockAfterClose).toBeNull();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const directory = embeddedDirectory(dataDir.path);
    mkdirSync(path.dirname(directory), { recursive: true });
    writeFileSync(lockPathFor(directory), `${deadPid()}\n`);

    const lock = acquireDirectoryLock(directory);

    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('takes over a lock naming this pid that this process does not hold (a restarted container)', () => {
    const directory = embeddedDirectory(dataDir.path);
    mkdirSync(path.dirname(directory), { recursive: true });
    writeFileSync(lockPathFor(directory), `${process.pid}\n`);

    const lock = acquireDirectoryLock(directory);

    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('refuses to open the same directory twice in one process', () => {
    const directory = embeddedDirectory(dataDir.path);
    const lock = acquireDirectoryLock(directory);
    try {
      expect(() => acquireDirectoryLock(directory)).toThrow('already open in this process');
    } finally {
      lock.release();
    }
    acquireDirectoryLock(directory).release();
  });

  it('treats an unreadable lock file as stale', () => {
    const directory = embeddedDirectory(dataDir.path);
    mkdirSync(path.dirname(directory), { recursive: true });
    writeFileSync(lockPathFor(directory), 'garbage');

    const lock = acquireDirectoryLock(directory);

    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });
});
