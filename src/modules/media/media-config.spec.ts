import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError, loadConfig } from '../../platform/config/load-config';

describe('media settings', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-media-config-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('defaults to 100 MiB, a 30 s fetch, 15-minute links, 30 days of retention, local storage', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).media).toEqual({
      maxBytes: 100 * 1024 * 1024,
      fetchTimeoutMs: 30_000,
      urlTtlSeconds: 900,
      retentionDays: 30,
      storage: { kind: 'local' },
    });
  });

  it('reads S3 storage settings, with AWS in the region as the default endpoint', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      MEDIA_STORAGE: 's3',
      MEDIA_S3_BUCKET: 'media',
      MEDIA_S3_REGION: 'eu-west-3',
      MEDIA_S3_ACCESS_KEY_ID: 'AKID',
      MEDIA_S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config.media.storage).toEqual({
      kind: 's3',
      endpoint: 'https://s3.eu-west-3.amazonaws.com',
      bucket: 'media',
      region: 'eu-west-3',
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      forcePathStyle: false,
      prefix: 'media/',
    });
  });

  it.each([
    [{ MEDIA_STORAGE: 's3' }, /^Invalid configuration: MEDIA_S3_BUCKET is required when MEDIA_STORAGE=s3$/],
    [{ MEDIA_STORAGE: 's3', MEDIA_S3_BUCKET: 'b', MEDIA_S3_ACCESS_KEY_ID: 'k' }, /MEDIA_S3_SECRET_ACCESS_KEY is required/],
    [{ MEDIA_STORAGE: 'ftp' }, /^Invalid configuration: MEDIA_STORAGE must be local or s3/],
    [{ MEDIA_MAX_BYTES: '0' }, /^Invalid configuration: MEDIA_MAX_BYTES /],
    [{ MEDIA_URL_TTL_SECONDS: 'soon' }, /^Invalid configuration: MEDIA_URL_TTL_SECONDS /],
    [{ MEDIA_RETENTION_DAYS: '-1' }, /^Invalid configuration: MEDIA_RETENTION_DAYS /],
  ])('stops on %p', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, ...env })).toThrow(ConfigurationError);
    expect(() => loadConfig({ DATA_DIR: dataDir, ...env })).toThrow(message);
  });
});
