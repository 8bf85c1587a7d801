import fs from 'node:fs';
import path from 'node:path';
import { createApp } from './app.factory';
import { AppConfig } from './platform/config/app-config';
import { ConfigurationError, loadConfig } from './platform/config/load-config';
import { applyPendingMigrations, Database, openDatabase, PGliteDirectoryLockedError } from './platform/database';
import { resolveRedis, ResolvedRedis } from './platform/redis/local-redis';
import { describeRedisTarget } from './platform/redis/redis-connection';

/** Where a running gateway says it listens, so the operator CLI can reach it when it holds the database. */
export const GATEWAY_FILE = 'gateway.json';

function line(level: 'info' | 'error', msg: string, extra: Record<string, unknown> = {}): void {
  const out = JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra });
  (level === 'error' ? process.stderr : process.stdout).write(`${out}\n`);
}

async function prepare(config: AppConfig): Promise<{ database: Database; redis: ResolvedRedis }> {
  const redis = await resolveRedis(config.redisUrl, config.dataDir);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
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

async function main(): Promise<void> {
  const config = loadConfig();
  const { database, redis } = await prepare(config);
  const app = await createApp({ config, prisma: database.prisma, redis: redis.target });
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  const gatewayFile = path.join(config.dataDir, GATEWAY_FILE);
  fs.writeFileSync(gatewayFile, JSON.stringify({ pid: process.pid, url }, null, 2));
  line('info', 'WhatIsUp gateway listening', {
    url,
    docs: `${url}/docs`,
    database: database.kind,
    redis: describeRedisTarget(redis.target),
    data_dir: config.dataDir,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    line('info', 'shutting down', { signal });
    await app.close();
    await database.close();
    await redis.stop?.();
    fs.rmSync(gatewayFile, { force: true });
    process.exit(0);
  };
  process.once('SIGINT', (s) => void stop(s));
  process.once('SIGTERM', (s) => void stop(s));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError || error instanceof PGliteDirectoryLockedError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    line('error', 'the gateway failed to start', { err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
  }
  process.exit(1);
});
