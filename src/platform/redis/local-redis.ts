import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../config/load-config';
import { pingRedis, RedisTarget } from './redis-connection';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

export interface ResolvedRedis {
  target: RedisTarget;
  /** Set when the gateway started redis-server itself; stopped with the gateway. */
  stop?: () => Promise<void>;
}

export interface ResolveRedisOptions {
  /** Where to look first when REDIS_URL is unset. */
  defaultUrl?: string;
  /** PATH to search for redis-server (the process' PATH by default). */
  searchPath?: string;
}

function redisServerOnPath(searchPath: string | undefined): string | undefined {
  const env = searchPath === undefined ? process.env : { ...process.env, PATH: searchPath };
  const found = spawnSync('/bin/sh', ['-c', 'command -v redis-server'], { encoding: 'utf8', env });
  const binary = found.stdout.trim();
  return found.status === 0 && binary ? binary : undefined;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/**
 * REDIS_URL set: use it, and refuse to start if it does not answer (the operator chose it).
 * Unset: use the local default if it answers, else start `redis-server` from the PATH with its data and
 * socket in DATA_DIR/redis, reusing one a previous run left behind; else say what to install or set.
 */
export async function resolveRedis(
  redisUrl: string | undefined,
  dataDir: string,
  options: ResolveRedisOptions = {},
): Promise<ResolvedRedis> {
  if (redisUrl) {
    if (await pingRedis({ url: redisUrl })) return { target: { url: redisUrl } };
    throw new ConfigurationError(`Redis is not reachable: REDIS_URL=${redisUrl} did not answer PING`);
  }
  const defaultUrl = options.defaultUrl ?? DEFAULT_URL;
  if (await pingRedis({ url: defaultUrl })) return { target: { url: defaultUrl } };

  const dir = path.join(dataDir, 'redis');
  const socketPath = path.join(dir, 'redis.sock');
  if (fs.existsSync(socketPath) && (await pingRedis({ socketPath }))) return { target: { socketPath } };

  const binary = redisServerOnPath(options.searchPath);
  if (!binary) {
    throw new ConfigurationError(
      `Redis is not reachable at ${defaultUrl} and no redis-server is on the PATH: install Redis (e.g. apt install redis-server) or set REDIS_URL`,
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(socketPath, { force: true });
  const child: ChildProcess = spawn(
    binary,
    ['--port', '0', '--unixsocket', socketPath, '--unixsocketperm', '700', '--dir', dir, '--appendonly', 'yes', '--save', ''],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!(await waitFor(() => pingRedis({ socketPath }), 10_000))) {
    child.kill('SIGKILL');
    throw new ConfigurationError(`Started ${binary} but it did not answer on ${socketPath}; set REDIS_URL instead`);
  }
  return {
    target: { socketPath },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
