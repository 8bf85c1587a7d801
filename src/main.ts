import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { createApp } from './app.factory';
import { AppConfig } from './platform/config/app-config';
import { ConfigurationError, loadConfig } from './platform/config/load-config';
import { applyPendingMigrations, Database, openDatabase, PGliteDirectoryLockedError } from './platform/database';
import { resolveRedis, ResolvedRedis } from './platform/redis/local-redis';
import { describeRedisTarget } from './platform/redis/redis-connection';

/** Where a running gateway says it listens, so the operator CLI can reach it when it holds the database. */
export const GATEWAY_FILE = 'gateway.json';

/**
 * After a stop signal, requests in flight get this long to finish; then every HTTP connection still open
 * is closed (a client holding one must not hold the shutdown; idle keep-alive ones are closed at once).
 */
const HTTP_GRACE_MS = 5_000;
/**
 * The whole shutdown's limit, beyond which the process logs and exits with 1. Above the longest bounded
 * wait inside it (a queue worker's running jobs, 15 s) and below the usual orchestrator's kill (30 s).
 */
const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * Exits once what was written to stdout and stderr has left: writes to a pipe are asynchronous, and
 * process.exit() drops those still queued, such as the line saying why the shutdown failed.
 */
function exitAfterOutput(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
  // a stream that never drains (a reader gone) must not hold the exit
  setTimeout(() => process.exit(code), 1_000).unref();
}

function line(level: 'info' | 'error', msg: string, extra: Record<string, unknown> = {}): void {
  const out = JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra });
  (level === 'error' ? process.stderr : process.stdout).write(`${out}\n`);
}

async function prepare(config: AppConfig): Promise<{ database: Database; redis: ResolvedRedis }> {
  const redis = await resolveRedis(config.redisUrl, config.dataDir);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    preparedStatements: config.databasePreparedStatements,
    dataDir: config.dataDir,
  });
  try {
    if (config.migrateOnStart) {
      const { applied } = await applyPendingMigrations({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, database });
      if (applied.length > 0) line('info', 'migrations applied', { applied });
    }
  } catch (error) {
    await database.close();
    await redis.stop?.();
    throw error;
  }
  return { database, redis };
}

/** What a started gateway holds, for its shutdown. */
interface Built {
  app: Awaited<ReturnType<typeof createApp>>;
  database: Database;
  redis: ResolvedRedis;
}

/** The graceful shutdown, bounded by the `deadline` already running; exits. */
async function stop({ app, database, redis }: Built, gatewayFile: string, deadline: NodeJS.Timeout): Promise<void> {
  const server = app.getHttpServer() as Server;
  const grace = setTimeout(() => {
    line('info', 'closing the HTTP connections still open', { after_ms: HTTP_GRACE_MS });
    server.closeAllConnections();
  }, HTTP_GRACE_MS);
  let code = 0;
  try {
    // Event streams end in their service's first shutdown hook; Nest then closes the server, which
    // closes idle keep-alive connections and waits for those with a request in flight.
    await app.close();
    await database.close();
    await redis.stop?.();
  } catch (error) {
    line('error', 'shutdown failed', { err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
    code = 1;
  }
  clearTimeout(grace);
  clearTimeout(deadline);
  fs.rmSync(gatewayFile, { force: true });
  exitAfterOutput(code);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const gatewayFile = path.join(config.dataDir, GATEWAY_FILE);
  // The stop signals are handled from the start. Starting restores the channels the last run left connected
  // (their leases taken in Redis): a signal that killed the process outright then would leave those leases for
  // the next process to wait out. One that comes while the gateway starts is kept, and its shutdown runs as soon
  // as the gateway is built; the deadline runs from the signal all the same.
  let build!: (built: Built) => void;
  const built = new Promise<Built>((resolve) => (build = resolve));
  let signalled = false;
  const onSignal = (signal: string) => {
    // A second signal changes nothing: Ctrl-C under `npm start` arrives twice (from the terminal and
    // forwarded by npm), and the deadline already bounds the shutdown.
    if (signalled) return;
    signalled = true;
    line('info', 'shutting down', { signal });
    const deadline = setTimeout(() => {
      line('error', 'shutdown did not finish in time; exiting', { deadline_ms: SHUTDOWN_DEADLINE_MS });
      fs.rmSync(gatewayFile, { force: true });
      exitAfterOutput(1);
    }, SHUTDOWN_DEADLINE_MS);
    void built.then((gateway) => stop(gateway, gatewayFile, deadline));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const { database, redis } = await prepare(config);
  const app = await createApp({ config, prisma: database.prisma, redis: redis.target });
  build({ app, database, redis });
  if (signalled) return; // its shutdown runs now that the gateway is built

  await app.listen(config.port, config.host);
  if (signalled) return; // a signal came while the server was starting: the shutdown under way has it
  const address = (app.getHttpServer() as Server).address() as { port: number };
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  fs.writeFileSync(gatewayFile, JSON.stringify({ pid: process.pid, url }, null, 2));
  line('info', 'WhatIsUp gateway listening', {
    url,
    docs: `${url}/docs`,
    database: database.kind,
    redis: describeRedisTarget(redis.target),
    data_dir: config.dataDir,
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError || error instanceof PGliteDirectoryLockedError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    line('error', 'the gateway failed to start', {
      err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
    });
  }
  process.exit(1);
});
