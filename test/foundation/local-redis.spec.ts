import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveRedis } from '../../src/platform/redis/local-redis';
import { pingRedis } from '../../src/platform/redis/redis-connection';
import { ConfigurationError } from '../../src/platform/config/load-config';
import { testRedisUrl } from '../support/test-services';

describe(resolveRedis.name, () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-redis-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('uses REDIS_URL when it answers', async () => {
    const resolved = await resolveRedis(testRedisUrl(), dataDir);
    expect(resolved.target).toEqual({ url: testRedisUrl() });
    expect(resolved.stop).toBeUndefined();
  });

  it('refuses to start when the configured REDIS_URL does not answer, naming it', async () => {
    await expect(resolveRedis('redis://127.0.0.1:1', dataDir)).rejects.toThrow(ConfigurationError);
    await expect(resolveRedis('redis://127.0.0.1:1', dataDir)).rejects.toThrow(/REDIS_URL=redis:\/\/127.0.0.1:1/);
  });

  it('starts redis-server from the PATH with its data in DATA_DIR when nothing answers, and reuses it', async () => {
    const resolved = await resolveRedis(undefined, dataDir, { defaultUrl: 'redis://127.0.0.1:1' });
    try {
      expect(resolved.target).toEqual({ socketPath: path.join(dataDir, 'redis', 'redis.sock') });
      expect(await pingRedis(resolved.target)).toBe(true);
      const again = await resolveRedis(undefined, dataDir, { defaultUrl: 'redis://127.0.0.1:1' });
      expect(again.target).toEqual(resolved.target);
      expect(again.stop).toBeUndefined();
    } finally {
      await resolved.stop?.();
    }
    expect(await pingRedis(resolved.target)).toBe(false);
  });

  it('says what to install when there is no redis-server on the PATH', async () => {
    await expect(resolveRedis(undefined, dataDir, { defaultUrl: 'redis://127.0.0.1:1', searchPath: '/nonexistent' })).rejects.toThrow(
      /install Redis .* or set REDIS_URL/,
    );
  });
});
