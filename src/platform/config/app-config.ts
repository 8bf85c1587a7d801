import { z } from 'zod';

/**
 * Every setting the gateway reads, parsed once at boot. Nothing outside `config/` reads `process.env`.
 * Names are the environment variable names so an error can name the variable the operator must fix.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const hexOrBase64Key = z.string().transform((value, ctx) => {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
    return z.NEVER;
  }
  return bytes;
});

const secretString = z.string().min(24, 'must be at least 24 characters');

/**
 * A whole number from the environment, within bounds, refused with one message whatever is wrong with it:
 * "must be an integer [number of <unit>] between <min> and <max>" (or "of at least <min>" without a maximum).
 */
function intInRange(min: number, max: number, unit?: string) {
  const range = Number.isFinite(max) ? `between ${min} and ${max}` : `of at least ${min}`;
  const message = `must be an integer ${unit ? `number of ${unit} ` : ''}${range}`;
  const bounded = z.coerce.number({ message }).int(message).min(min, message);
  return Number.isFinite(max) ? bounded.max(max, message) : bounded;
}

export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: intInRange(0, 65535).default(3000),
  PUBLIC_BASE_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: intInRange(1, 1000).default(10),
  DATABASE_PREPARED_STATEMENTS: booleanFlag.default(true),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1-64 characters of letters, digits, ":", "_" or "-"')
    .default('wiu:'),
  MIGRATE_ON_START: booleanFlag.default(true),
  SESSION_ENCRYPTION_KEY: hexOrBase64Key.optional(),
  MEDIA_SIGNING_SECRET: secretString.optional(),
  WEBHOOK_SIGNING_SECRET: secretString.optional(),
  ADMIN_TOKEN: secretString.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must be a size such as 512kb or 1mb')
    .default('1mb'),
  TRUST_PROXY: booleanFlag.default(false),
  EGRESS_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
    ),
  WEBHOOK_ATTEMPT_TIMEOUT_MS: intInRange(100, 120_000, 'milliseconds').default(10_000),
  WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'must be a comma-separated list of delays in milliseconds')
    .default('10000,60000,300000,1800000')
    .transform((value) => value.split(',').map((entry) => Number(entry.trim()))),
  WEBHOOK_SWEEP_INTERVAL_MS: intInRange(50, Infinity, 'milliseconds').default(30_000),
  WEBHOOK_CONCURRENCY: intInRange(1, 1000).default(64),
  WEBHOOK_ENDPOINT_CONCURRENCY: intInRange(1, 1000).default(16),
  MEDIA_MAX_BYTES: intInRange(1, 2_147_483_647, 'bytes').default(100 * 1024 * 1024),
  MEDIA_FETCH_TIMEOUT_MS: intInRange(100, 600_000, 'milliseconds').default(30_000),
  MEDIA_URL_TTL_SECONDS: intInRange(1, 604_800, 'seconds').default(900),
  MEDIA_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a number of days, 0 to keep media forever' })
    .min(0, 'must be a number of days, 0 to keep media forever')
    .default(30),
  MEDIA_STORAGE: z.enum(['local', 's3'], { message: 'must be local or s3' }).default('local'),
  MEDIA_S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
  MEDIA_S3_BUCKET: z.string().min(1).optional(),
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  MEDIA_S3_FORCE_PATH_STYLE: booleanFlag.default(false),
  MEDIA_S3_PREFIX: z.string().default('media/'),
  DEFAULT_PLAN: z.string().min(1).default('free'),
  GATEWAY_ROLE: z.enum(['all', 'api', 'worker'], { message: 'must be all, api or worker' }).default('all'),
  WORKER_CAPACITY: intInRange(1, Infinity).optional(),
  /** Deprecated alias of WORKER_CAPACITY, still read when WORKER_CAPACITY is not set. */
  MAX_SESSIONS_PER_WORKER: intInRange(1, Infinity).optional(),
  CHANNEL_LEASE_MS: intInRange(1_000, 600_000, 'milliseconds').default(15_000),
  WORKER_HEARTBEAT_MS: intInRange(100, 60_000, 'milliseconds').default(5_000),
  WORKER_CALL_TIMEOUT_MS: intInRange(100, 600_000, 'milliseconds').default(30_000),
  SSE_MAX_STREAMS_PER_KEY: intInRange(1, Infinity).default(5),
  SESSION_KEEPALIVE_MS: intInRange(1000, Infinity, 'milliseconds').default(25_000),
  SESSION_OPEN_TIMEOUT_MS: intInRange(1000, 3_600_000, 'milliseconds').default(90_000),
  WA_VERSION: z
    .string()
    .regex(/^(default|latest|\d{1,5}\.\d{1,5}\.\d{1,12})$/, 'must be default, latest, or a version such as 2.3000.1043857760')
    .default('default'),
  RECONNECT_BASE_DELAY_MS: intInRange(10, Infinity, 'milliseconds').default(2_000),
  RECONNECT_MAX_DELAY_MS: intInRange(10, Infinity, 'milliseconds').default(120_000),
  RECONNECT_MAX_ATTEMPTS: intInRange(1, Infinity).default(10),
  REPLACED_LIMIT: intInRange(1, Infinity).default(3),
  CLIENT_REF_WINDOW_HOURS: z.coerce
    .number({ message: 'must be a number of hours between 1 and 720' })
    .min(1, 'must be a number of hours between 1 and 720')
    .max(720, 'must be a number of hours between 1 and 720')
    .default(24),
  MESSAGE_SEND_WAIT_MS: intInRange(0, 30_000, 'milliseconds').default(0),
  MESSAGE_SEND_MAX_WAIT_MS: intInRange(0, 30_000, 'milliseconds').default(10_000),
  MESSAGE_SWEEP_INTERVAL_MS: intInRange(50, Infinity, 'milliseconds').default(10_000),
  SANDBOX_URL: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
});

export type Environment = z.infer<typeof environmentSchema>;

/** The secrets the gateway needs; outside production they are generated once and kept in DATA_DIR. */
export interface GatewaySecrets {
  sessionEncryptionKey: Buffer;
  mediaSigningSecret: string;
  webhookSigningSecret: string;
  adminToken: string;
}

export interface AppConfig {
  env: Environment['NODE_ENV'];
  host: string;
  port: number;
  publicBaseUrl: string;
  dataDir: string;
  databaseUrl?: string;
  /** Connections this process keeps open to PostgreSQL at most. */
  databasePoolSize: number;
  /** Prepare the hot paths' statements on each PostgreSQL connection (off behind a pooler that cannot keep them). */
  databasePreparedStatements: boolean;
  redisUrl?: string;
  redisKeyPrefix: string;
  migrateOnStart: boolean;
  secrets: GatewaySecrets;
  logLevel: Environment['LOG_LEVEL'];
  bodyLimit: string;
  trustProxy: boolean;
  /** Internal hosts, IPs and CIDRs that outbound requests (webhooks, media) may reach despite the egress guard. */
  egressAllowedHosts: string[];
  webhooks: WebhookSettings;
  media: MediaSettings;
  messages: MessageSettings;
  defaultPlan: string;
  /**
   * What this process does: `all` (API and sockets, one process is a whole gateway), `api` (the HTTP API only:
   * no socket, no queue processor that needs one) or `worker` (sockets and queue processors; its HTTP serves
   * only health and metrics).
   */
  gatewayRole: GatewayRole;
  /** Sessions this process may hold (WORKER_CAPACITY, or its deprecated alias MAX_SESSIONS_PER_WORKER). */
  workerCapacity: number;
  /**
   * Lifetime of a channel lease (the right to hold its socket), renewed every third of it while the socket
   * lives. A worker that dies loses its channels to the others after at most this long.
   */
  channelLeaseMs: number;
  /**
   * How often this process tells Redis it is alive (the worker registry). Its entry lapses after three missed
   * beats; the operator's list marks it stale after two.
   */
  workerHeartbeatMs: number;
  /** How long a call waits for the worker that holds the channel's socket to answer. */
  workerCallTimeoutMs: number;
  /** Event streams (SSE) one API key may hold open at once, over every gateway process; more answer rate_limited. */
  sseMaxStreamsPerKey: number;
  sessionKeepAliveMs: number;
  /**
   * How long a socket logging in with stored credentials may take to open; past it, it is ended and the channel
   * reconnects, so that nothing leaves a channel `connecting` for good.
   */
  sessionOpenTimeoutMs: number;
  /**
   * The WhatsApp Web version sockets announce: the engine's own (`default`), the one WhatsApp serves now
   * (`latest`, asked once at start-up, the engine's own if that fails), or a fixed one.
   */
  waVersion: 'default' | 'latest' | [number, number, number];
  /** Reconnect backoff: base * 2^(attempt-1), capped, with full jitter. */
  reconnect: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
  /** How many "replaced" (440) closes in a row before a channel is failed instead of retried. */
  replacedLimit: number;
  /**
   * The control API of the WhatsApp simulator test-mode channels use, run as its own service (`npm run
   * simulator`) so that every gateway process shares one simulated network; unset, each process starts its own.
   */
  sandboxUrl?: string;
}

export type GatewayRole = Environment['GATEWAY_ROLE'];

export interface WebhookSettings {
  /** Time allowed for one delivery attempt, connection to last byte. */
  attemptTimeoutMs: number;
  /** Delays before attempts 2..n; its length + 1 is the number of attempts of a delivery. */
  retryScheduleMs: number[];
  /** How often each process looks for deliveries that are due but not queued. */
  sweepIntervalMs: number;
  /** Delivery attempts one process runs at once. */
  concurrency: number;
  /**
   * Of those, attempts to one endpoint at once (at most `concurrency`): a slow or failing receiver cannot take
   * every slot from the others. An endpoint alone in the process borrows all but this many (EndpointSlots).
   */
  endpointConcurrency: number;
}

export interface MediaSettings {
  /** Largest media accepted, fetched or uploaded. */
  maxBytes: number;
  /** Time allowed to fetch a source_url, connection to last byte, redirects included. */
  fetchTimeoutMs: number;
  /** Lifetime of a signed public media link. */
  urlTtlSeconds: number;
  /** Age after which media no message used is deleted; 0 keeps media forever. */
  retentionDays: number;
  /** Where the bytes live: DATA_DIR/media, or an S3-compatible bucket. */
  storage: { kind: 'local' } | ({ kind: 's3' } & MediaS3Settings);
}

export interface MediaS3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the URL path (MinIO and most self-hosted servers) rather than in the host name. */
  forcePathStyle: boolean;
  /** Prefix of every object key. */
  prefix: string;
}

export interface MessageSettings {
  /** How long a client_ref is remembered: a repeat inside it returns the original message. */
  clientRefWindowHours: number;
  /** How long a send request without a `Prefer: wait` waits for the message to go out before answering `queued`. */
  sendWaitMs: number;
  /** The longest wait a send request may ask for with `Prefer: wait=<seconds>`. */
  sendMaxWaitMs: number;
  /** How often each process re-queues persisted messages that are queued but not in the queue. */
  sweepIntervalMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
