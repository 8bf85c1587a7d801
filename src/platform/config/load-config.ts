import path from 'node:path';
import type { z } from 'zod';
import { AppConfig, Environment, environmentSchema, GatewaySecrets, MediaSettings } from './app-config';
import { loadOrCreateSecrets } from './secrets-store';

/** A configuration problem the operator must fix; its message is one line naming the variable. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

const SECRET_VARIABLES = ['SESSION_ENCRYPTION_KEY', 'MEDIA_SIGNING_SECRET', 'WEBHOOK_SIGNING_SECRET', 'ADMIN_TOKEN'] as const;
/** Sessions a process may hold when neither WORKER_CAPACITY nor MAX_SESSIONS_PER_WORKER is set. */
const DEFAULT_WORKER_CAPACITY = 1000;

/** MEDIA_STORAGE=s3 needs a bucket and credentials; the endpoint defaults to AWS in the region. */
function mediaStorage(e: Environment): MediaSettings['storage'] {
  if (e.MEDIA_STORAGE === 'local') return { kind: 'local' };
  for (const name of ['MEDIA_S3_BUCKET', 'MEDIA_S3_ACCESS_KEY_ID', 'MEDIA_S3_SECRET_ACCESS_KEY'] as const) {
    if (e[name] === undefined) throw new ConfigurationError(`Invalid configuration: ${name} is required when MEDIA_STORAGE=s3`);
  }
  return {
    kind: 's3',
    endpoint: e.MEDIA_S3_ENDPOINT ?? `https://s3.${e.MEDIA_S3_REGION}.amazonaws.com`,
    bucket: e.MEDIA_S3_BUCKET!,
    region: e.MEDIA_S3_REGION,
    accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID!,
    secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY!,
    forcePathStyle: e.MEDIA_S3_FORCE_PATH_STYLE,
    prefix: e.MEDIA_S3_PREFIX,
  };
}

/**
 * The environment parsed with the gateway's schema (or a part of it), empty variables read as unset; or a
 * ConfigurationError naming the first bad variable, with its value unless it is a secret.
 */
function parseEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = String(issue.path[0] ?? 'environment');
  const got = present[variable];
  const shown = got === undefined || SECRET_VARIABLES.includes(variable as never) ? '' : ` (got "${got}")`;
  throw new ConfigurationError(`Invalid configuration: ${variable} ${issue.message}${shown}`);
}

/**
 * Where the database is, for the offline migration commands: DATABASE_URL, else the embedded PGlite in
 * DATA_DIR, read as the gateway reads them. Nothing else is required, and no secret is read or generated.
 */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): Pick<AppConfig, 'databaseUrl' | 'dataDir'> {
  const e = parseEnvironment(environmentSchema.pick({ DATABASE_URL: true, DATA_DIR: true }), env);
  return { databaseUrl: e.DATABASE_URL, dataDir: path.resolve(e.DATA_DIR) };
}

/** Parses the environment into the typed configuration, or throws a ConfigurationError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = parseEnvironment(environmentSchema, env);
  const dataDir = path.resolve(e.DATA_DIR);

  let secrets: GatewaySecrets;
  if (e.NODE_ENV === 'production') {
    const missing = SECRET_VARIABLES.filter((name) => e[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigurationError(
        `Invalid configuration: ${missing[0]} is required when NODE_ENV=production (missing: ${missing.join(', ')})`,
      );
    }
    secrets = {
      sessionEncryptionKey: e.SESSION_ENCRYPTION_KEY!,
      mediaSigningSecret: e.MEDIA_SIGNING_SECRET!,
      webhookSigningSecret: e.WEBHOOK_SIGNING_SECRET!,
      adminToken: e.ADMIN_TOKEN!,
    };
  } else {
    const stored = loadOrCreateSecrets(dataDir);
    secrets = {
      sessionEncryptionKey: e.SESSION_ENCRYPTION_KEY ?? stored.sessionEncryptionKey,
      mediaSigningSecret: e.MEDIA_SIGNING_SECRET ?? stored.mediaSigningSecret,
      webhookSigningSecret: e.WEBHOOK_SIGNING_SECRET ?? stored.webhookSigningSecret,
      adminToken: e.ADMIN_TOKEN ?? stored.adminToken,
    };
  }

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    migrateOnStart: e.MIGRATE_ON_START,
    secrets,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    trustProxy: e.TRUST_PROXY,
    egressAllowedHosts: e.EGRESS_ALLOWED_HOSTS,
    webhooks: {
      attemptTimeoutMs: e.WEBHOOK_ATTEMPT_TIMEOUT_MS,
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE_MS,
      sweepIntervalMs: e.WEBHOOK_SWEEP_INTERVAL_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      endpointConcurrency: Math.min(e.WEBHOOK_ENDPOINT_CONCURRENCY, e.WEBHOOK_CONCURRENCY),
    },
    media: {
      maxBytes: e.MEDIA_MAX_BYTES,
      fetchTimeoutMs: e.MEDIA_FETCH_TIMEOUT_MS,
      urlTtlSeconds: e.MEDIA_URL_TTL_SECONDS,
      retentionDays: e.MEDIA_RETENTION_DAYS,
      storage: mediaStorage(e),
    },
    messages: {
      clientRefWindowHours: e.CLIENT_REF_WINDOW_HOURS,
      sendWaitMs: e.MESSAGE_SEND_WAIT_MS,
      sendMaxWaitMs: e.MESSAGE_SEND_MAX_WAIT_MS,
      sweepIntervalMs: e.MESSAGE_SWEEP_INTERVAL_MS,
    },
    defaultPlan: e.DEFAULT_PLAN,
    gatewayRole: e.GATEWAY_ROLE,
    workerCapacity: e.WORKER_CAPACITY ?? e.MAX_SESSIONS_PER_WORKER ?? DEFAULT_WORKER_CAPACITY,
    channelLeaseMs: e.CHANNEL_LEASE_MS,
    workerHeartbeatMs: e.WORKER_HEARTBEAT_MS,
    workerCallTimeoutMs: e.WORKER_CALL_TIMEOUT_MS,
    sseMaxStreamsPerKey: e.SSE_MAX_STREAMS_PER_KEY,
    sessionKeepAliveMs: e.SESSION_KEEPALIVE_MS,
    sessionOpenTimeoutMs: e.SESSION_OPEN_TIMEOUT_MS,
    waVersion:
      e.WA_VERSION === 'default' || e.WA_VERSION === 'latest'
        ? e.WA_VERSION
        : (e.WA_VERSION.split('.').map(Number) as [number, number, number]),
    reconnect: {
      baseDelayMs: e.RECONNECT_BASE_DELAY_MS,
      maxDelayMs: e.RECONNECT_MAX_DELAY_MS,
      maxAttempts: e.RECONNECT_MAX_ATTEMPTS,
    },
    replacedLimit: e.REPLACED_LIMIT,
    sandboxUrl: e.SANDBOX_URL?.replace(/\/+$/, ''),
  };
}
