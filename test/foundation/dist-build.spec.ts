import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseUrl, dropDatabase, uniqueDatabaseName, withServerClient } from '../support/database';
import { deleteRedisPrefix, TEST_REDIS_URL } from '../support/gateway';
import { PROJECT_ROOT, RunResult, signalAndWait, startProcess, StartedProcess } from '../support/processes';

/**
 * What docker/Dockerfile does, without Docker: build dist/ the way its build stage does, lay out what its
 * runtime stage copies (package.json, node_modules pruned of devDependencies, dist/, prisma/), and run that
 * as an unprivileged user with NODE_ENV=production and a data directory of its own.
 */
const DOCKERFILE = fs.readFileSync(path.join(PROJECT_ROOT, 'docker', 'Dockerfile'), 'utf8');
const BUILD_TIMEOUT_MS = 600_000;

/** The exec-form arguments of a Dockerfile instruction (`CMD ["node", …]`). */
function execForm(instruction: 'CMD' | 'HEALTHCHECK'): string[] {
  const joined = DOCKERFILE.replace(/\\\n\s*/g, ' ');
  const match = joined.match(new RegExp(`^${instruction}\\b[^\\n]*?(\\[.*\\])\\s*$`, 'm'));
  if (!match) throw new Error(`no exec-form ${instruction} in docker/Dockerfile`);
  return JSON.parse(match[1]) as string[];
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `nobody` when the tests run as root (they do here); otherwise the tests' own user is unprivileged already. */
function unprivilegedUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

describe('The production build (what the Docker image runs)', () => {
  const user = unprivilegedUser();
  let appDir: string;
  let dataDir: string;
  let database: string;
  let env: NodeJS.ProcessEnv;
  let gateway: StartedProcess | undefined;
  let url: string;

  beforeAll(async () => {
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-image-'));
    fs.chmodSync(appDir, 0o755);

    // Build stage: `npm run build` is the client generation, then tsc; here into the image's layout rather
    // than the project's own dist/, which another build may be using.
    const generate = await run(process.execPath, ['scripts/db/generate.js'], { cwd: PROJECT_ROOT, env: process.env });
    expect(generate).toMatchObject({ code: 0 });
    const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(appDir, 'dist')], {
      cwd: PROJECT_ROOT,
      env: process.env,
    });
    if (build.code !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);

    // `npm prune --omit=dev` on a copy of the installed tree: hard links (fast, same disk), and the hidden
    // lockfile removed rather than rewritten, so npm never writes through a link into the project's own.
    execFileSync('cp', ['-al', fs.realpathSync(path.join(PROJECT_ROOT, 'node_modules')), path.join(appDir, 'node_modules')]);
    fs.rmSync(path.join(appDir, 'node_modules', '.package-lock.json'), { force: true });
    for (const file of ['package.json', 'package-lock.json', '.npmrc'])
      fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(appDir, file));
    const prune = await run('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: appDir, env: process.env });
    if (prune.code !== 0) throw new Error(`npm prune failed:\n${prune.stdout}${prune.stderr}`);
    // The TypeScript loader `npm start` and `npm run cli` use is gone, as in the image.
    expect(fs.existsSync(path.join(appDir, 'node_modules', '@swc-node', 'register'))).toBe(false);
    fs.rmSync(path.join(appDir, 'package-lock.json'));
    fs.rmSync(path.join(appDir, '.npmrc'));
    fs.cpSync(path.join(PROJECT_ROOT, 'prisma'), path.join(appDir, 'prisma'), { recursive: true });
    fs.cpSync(path.join(PROJECT_ROOT, 'dashboard'), path.join(appDir, 'dashboard'), { recursive: true });

    // The volume: a fresh directory owned by the user the gateway runs as.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-image-data-'));
    if (user.uid !== undefined) fs.chownSync(dataDir, user.uid, user.gid!);

    // An empty database: the built gateway applies the migrations itself.
    database = uniqueDatabaseName('wiu_image');
    await withServerClient((client) => client.query(`CREATE DATABASE "${database}"`));
    env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl(database),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `wiu-test-${randomBytes(6).toString('hex')}:`,
      SESSION_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      MEDIA_SIGNING_SECRET: randomBytes(24).toString('hex'),
      WEBHOOK_SIGNING_SECRET: randomBytes(24).toString('hex'),
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      LOG_LEVEL: 'warn',
    };

    const [command, ...args] = execForm('CMD');
    gateway = await startProcess(command === 'node' ? process.execPath : command, args, env, /WhatIsUp gateway listening/, {
      cwd: appDir,
      timeoutMs: 120_000,
      ...user,
    });
    url = (JSON.parse(gateway.line) as { url: string }).url;
  }, BUILD_TIMEOUT_MS + 180_000);

  afterAll(async () => {
    if (gateway) {
      const exit = await signalAndWait(gateway.child, 'SIGTERM', 15_000);
      expect(exit).toMatchObject({ code: 0, timedOut: false });
    }
    if (database) await dropDatabase(database);
    if (env) await deleteRedisPrefix(env.REDIS_KEY_PREFIX!);
    for (const dir of [appDir, dataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('starts as an unprivileged user with NODE_ENV=production, applies the migrations, and is ready', async () => {
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    expect(fs.statSync(path.join(dataDir, 'gateway.json')).uid).toBe(user.uid ?? process.getuid?.());
  });

  it('serves the dashboard from the files the image copies, under its Content-Security-Policy', async () => {
    const page = await fetch(`${url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('js/app.js');
    expect((await fetch(`${url}/dashboard/js/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it("passes the image's HEALTHCHECK command", async () => {
    const [command, ...args] = execForm('HEALTHCHECK');
    expect(command).toBe('node');
    const check = await run(process.execPath, args, { cwd: appDir, env: { ...env, PORT: new URL(url).port }, ...user });
    expect(check).toMatchObject({ code: 0 });
  });

  it('runs the operator CLI from dist/ as that user, on the same database', async () => {
    const cli = (...argv: string[]) => run(process.execPath, ['dist/src/cli/main.js', ...argv], { cwd: appDir, env, ...user });
    const customer = await cli('customers', 'create', '--name', 'Image');
    expect(customer).toMatchObject({ code: 0 });
    const { id } = JSON.parse(customer.stdout) as { id: string };
    expect(id).toMatch(/^cus_/);

    const created = await cli('keys', 'create', '--customer', id, '--mode', 'test');
    expect(created).toMatchObject({ code: 0 });
    const { key } = JSON.parse(created.stdout) as { key: string };
    expect((await fetch(`${url}/v1/limits`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it('reports the migrations up to date with the built migration command', async () => {
    const status = await run(process.execPath, ['dist/scripts/db/migrate.js', 'status'], { cwd: appDir, env, ...user });
    expect(status).toMatchObject({ code: 0 });
  });
});

describe('docker/Dockerfile (read, since no Docker engine runs it here)', () => {
  const lines = DOCKERFILE.split('\n');
  const index = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));

  it('gives /data to the node user before declaring it a volume, and runs as node', () => {
    const chown = index(/^RUN\b.*\bmkdir -p \/data\b.*\bchown node:node \/data\b/);
    expect(chown).toBeGreaterThan(-1);
    expect(index(/^VOLUME \/data\s*$/)).toBeGreaterThan(chown);
    expect(index(/^USER node\s*$/)).toBeGreaterThan(index(/^VOLUME /));
  });

  it('copies the dashboard beside dist/, where the built gateway looks for it', () => {
    expect(index(/^COPY --from=build \/app\/dashboard \.\/dashboard\s*$/)).toBeGreaterThan(-1);
  });

  it('is built from a context without installed dependencies, builds, generated code or local data', () => {
    const ignored = fs
      .readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.data', 'src/generated', '.git']));
  });
});
