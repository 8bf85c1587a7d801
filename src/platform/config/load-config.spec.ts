import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError, loadConfig, loadDatabaseConfig } from './load-config';

describe(loadConfig.name, () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-config-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('needs nothing set outside production: secrets are generated once and kept in DATA_DIR', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.port).toBe(3000);
    expect(first.secrets.sessionEncryptionKey).toHaveLength(32);
    expect(second.secrets).toEqual(first.secrets);
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT must be an integer between 0 and 65535 \(got "abc"\)$/],
    ['PORT', '70000', /^Invalid configuration: PORT /],
    ['DATABASE_URL', 'mysql://x', /^Invalid configuration: DATABASE_URL must be a postgres/],
    ['REDIS_URL', 'localhost:6379', /^Invalid configuration: REDIS_URL must be a redis/],
    ['NODE_ENV', 'staging', /^Invalid configuration: NODE_ENV /],
    ['MIGRATE_ON_START', 'maybe', /^Invalid configuration: MIGRATE_ON_START must be true or false/],
    ['SESSION_ENCRYPTION_KEY', 'too-short', /^Invalid configuration: SESSION_ENCRYPTION_KEY must be 32 bytes/],
    [
      'MEDIA_URL_TTL_SECONDS',
      '0',
      /^Invalid configuration: MEDIA_URL_TTL_SECONDS must be an integer number of seconds between 1 and 604800 \(got "0"\)$/,
    ],
    [
      'WEBHOOK_SWEEP_INTERVAL_MS',
      '1.5',
      /^Invalid configuration: WEBHOOK_SWEEP_INTERVAL_MS must be an integer number of milliseconds of at least 50 \(got "1.5"\)$/,
    ],
    [
      'WEBHOOK_ENDPOINT_CONCURRENCY',
      '0',
      /^Invalid configuration: WEBHOOK_ENDPOINT_CONCURRENCY must be an integer between 1 and 1000 \(got "0"\)$/,
    ],
    ['MAX_SESSIONS_PER_WORKER', 'many', /^Invalid configuration: MAX_SESSIONS_PER_WORKER must be an integer of at least 1 \(got "many"\)$/],
    ['WORKER_CAPACITY', '0', /^Invalid configuration: WORKER_CAPACITY must be an integer of at least 1 \(got "0"\)$/],
    ['DATABASE_POOL_SIZE', '0', /^Invalid configuration: DATABASE_POOL_SIZE must be an integer between 1 and 1000 \(got "0"\)$/],
    ['GATEWAY_ROLE', 'both', /^Invalid configuration: GATEWAY_ROLE must be all, api or worker \(got "both"\)$/],
    [
      'CHANNEL_LEASE_MS',
      '500',
      /^Invalid configuration: CHANNEL_LEASE_MS must be an integer number of milliseconds between 1000 and 600000 \(got "500"\)$/,
    ],
    [
      'WORKER_HEARTBEAT_MS',
      '50',
      /^Invalid configuration: WORKER_HEARTBEAT_MS must be an integer number of milliseconds between 100 and 60000 \(got "50"\)$/,
    ],
    [
      'WORKER_CALL_TIMEOUT_MS',
      'soon',
      /^Invalid configuration: WORKER_CALL_TIMEOUT_MS must be an integer number of milliseconds between 100 and 600000 \(got "soon"\)$/,
    ],
    ['SANDBOX_URL', 'localhost:4100', /^Invalid configuration: SANDBOX_URL must be an absolute http\(s\) URL \(got "localhost:4100"\)$/],
    ['SANDBOX_URL', 'ws://127.0.0.1:4100', /^Invalid configuration: SANDBOX_URL must be an absolute http\(s\) URL/],
  ])('stops on a bad %s with one line naming it', (name, value, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, [name]: value })).toThrow(ConfigurationError);
    expect(() => loadConfig({ DATA_DIR: dataDir, [name]: value })).toThrow(message);
  });

  it("gives one webhook endpoint at most the process's attempts, and a share of them by default", () => {
    expect(loadConfig({ DATA_DIR: dataDir }).webhooks).toMatchObject({ concurrency: 64, endpointConcurrency: 16 });
    expect(loadConfig({ DATA_DIR: dataDir, WEBHOOK_CONCURRENCY: '4', WEBHOOK_ENDPOINT_CONCURRENCY: '10' }).webhooks).toMatchObject({
      concurrency: 4,
      endpointConcurrency: 4,
    });
  });

  it('reads the worker capacity from WORKER_CAPACITY, or from its deprecated alias MAX_SESSIONS_PER_WORKER', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).workerCapacity).toBe(1000);
    expect(loadConfig({ DATA_DIR: dataDir, MAX_SESSIONS_PER_WORKER: '7' }).workerCapacity).toBe(7);
    expect(loadConfig({ DATA_DIR: dataDir, MAX_SESSIONS_PER_WORKER: '7', WORKER_CAPACITY: '9' }).workerCapacity).toBe(9);
  });

  it('runs one process as the whole gateway unless a role is given, with 15 s channel leases', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.gatewayRole).toBe('all');
    expect(config.channelLeaseMs).toBe(15_000);
    expect(loadConfig({ DATA_DIR: dataDir, GATEWAY_ROLE: 'worker' }).gatewayRole).toBe('worker');
  });

  it('reads SANDBOX_URL as the base URL of the shared simulator, unset by default', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).sandboxUrl).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dataDir, SANDBOX_URL: 'http://sandbox:4100/' }).sandboxUrl).toBe('http://sandbox:4100');
  });

  it('never echoes a secret value in the error', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN: 'short-secret' })).toThrow(
      /^Invalid configuration: ADMIN_TOKEN must be at least 24 characters$/,
    );
  });

  it('requires every secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir })).toThrow(
      /SESSION_ENCRYPTION_KEY is required when NODE_ENV=production/,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      SESSION_ENCRYPTION_KEY: 'a'.repeat(64),
      MEDIA_SIGNING_SECRET: 'm'.repeat(32),
      WEBHOOK_SIGNING_SECRET: 'w'.repeat(32),
      ADMIN_TOKEN: 't'.repeat(32),
    });
    expect(config.secrets.sessionEncryptionKey).toEqual(Buffer.alloc(32, 0xaa));
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
  });
});

describe(loadDatabaseConfig.name, () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-config-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('reads where the database is, even in production, without reading or generating secrets', () => {
    expect(loadDatabaseConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, DATABASE_URL: '' })).toEqual({
      databaseUrl: undefined,
      dataDir,
    });
    expect(loadDatabaseConfig({ DATABASE_URL: 'postgres://u@h/db' }).databaseUrl).toBe('postgres://u@h/db');
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('refuses a bad DATABASE_URL as the gateway does', () => {
    expect(() => loadDatabaseConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^Invalid configuration: DATABASE_URL must be a postgres/);
  });
});
