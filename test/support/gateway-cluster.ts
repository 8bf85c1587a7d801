import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { testEnvironment } from './gateway';
import { PROJECT_ROOT, startProcess, stopProcess } from './processes';
import { SimulatorService, startSimulatorService } from './simulator-service';
import { startInstalledPostgres, startRedis, ThrowawayServer } from './throwaway-servers';

export type GatewayRole = 'all' | 'api' | 'worker';

/** A gateway process as `npm start` runs it, from src/main.ts. */
const GATEWAY_ARGS = ['-r', '@swc-node/register', 'src/main.ts'];

/** One gateway process of the cluster, started from src/main.ts as `npm start` would. */
export interface GatewayMember {
  name: string;
  role: GatewayRole;
  url: string;
  child: ChildProcess;
  output: () => string;
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/**
 * Several gateway processes on their own PostgreSQL and Redis (started for the cluster, so that restarting them
 * disturbs nothing else), sharing one simulator process (SANDBOX_URL) with its network in a state file. Every
 * process gets the same secrets; each has its own data directory.
 */
export class GatewayCluster {
  readonly members = new Map<string, GatewayMember>();
  /** Every process' output so far, those already ended included (named `w1`, or `w1#2` when started again). */
  private readonly outputs = new Map<string, () => string>();

  private constructor(
    private readonly dir: string,
    readonly postgres: ThrowawayServer,
    readonly redis: ThrowawayServer,
    readonly simulator: SimulatorService,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(settings: Record<string, string> = {}): Promise<GatewayCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-cluster-'));
    const redis = await startRedis(dir);
    const postgres = await startInstalledPostgres(dir);
    if (!postgres) throw new Error('several gateway processes are tested on a PostgreSQL of their own: none is installed');
    const simulator = await startSimulatorService(path.join(dir, 'network.json'));
    const env = {
      ...testEnvironment(dir),
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      SANDBOX_URL: simulator.controlUrl,
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...settings,
    };
    return new GatewayCluster(dir, postgres, redis, simulator, env);
  }

  get adminToken(): string {
    return this.env.ADMIN_TOKEN!;
  }

  /** Starts a gateway process and resolves once it listens. The first one migrates the database. */
  async startGateway(name: string, role: GatewayRole, settings: Record<string, string> = {}): Promise<GatewayMember> {
    const started = await startProcess(
      process.execPath,
      GATEWAY_ARGS,
      this.environment(name, role, settings),
      /WhatIsUp gateway listening/,
      {
        cwd: PROJECT_ROOT,
        timeoutMs: 180_000,
      },
    );
    const member: GatewayMember = {
      name,
      role,
      url: (JSON.parse(started.line) as { url: string }).url,
      child: started.child,
      output: started.output,
    };
    // The exit listener startProcess installed rejects a promise long settled; the member's exit is ours now.
    started.child.removeAllListeners('exit');
    this.members.set(name, member);
    this.keepOutput(name, member.output);
    if (role !== 'api') await this.registered(member);
    return member;
  }

  /**
   * Starts a gateway process without waiting for anything: to catch it while it starts. Not a member: its caller
   * ends it. Its output is kept.
   */
  launch(name: string, role: GatewayRole, settings: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, GATEWAY_ARGS, { cwd: PROJECT_ROOT, env: this.environment(name, role, settings) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    this.keepOutput(name, () => output);
    return child;
  }

  private environment(name: string, role: GatewayRole, settings: Record<string, string>): NodeJS.ProcessEnv {
    const dataDir = path.join(this.dir, name);
    fs.mkdirSync(dataDir, { recursive: true });
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...this.env,
      DATA_DIR: dataDir,
      GATEWAY_ROLE: role,
      MIGRATE_ON_START: this.members.size === 0 ? 'true' : 'false',
      ...settings,
    };
  }

  private keepOutput(name: string, output: () => string): void {
    let label = name;
    for (let n = 2; this.outputs.has(label); n++) label = `${name}#${n}`;
    this.outputs.set(label, output);
  }

  /**
   * Resolves once the API sees the worker among the live ones (its first heartbeat), so that a channel placed
   * right after can land on it. Without a process serving the API yet there is nobody to ask.
   */
  private async registered(member: GatewayMember): Promise<void> {
    const via = [...this.members.values()].find((m) => m.role !== 'worker');
    if (!via) return;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const workers = await this.call<{ data?: Array<{ pid: number; stale: boolean }> }>(
        via.name,
        'GET',
        '/v1/admin/workers',
        this.adminToken,
      );
      if (workers.body.data?.some((w) => w.pid === member.child.pid && !w.stale)) return;
      if (Date.now() > deadline) throw new Error(`${member.name} did not register as a worker within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  member(name: string): GatewayMember {
    const member = this.members.get(name);
    if (!member) throw new Error(`no gateway process named ${name}`);
    return member;
  }

  /** Ends a process at once (SIGKILL): nothing of its own shutdown runs. */
  async kill(name: string): Promise<void> {
    const member = this.member(name);
    await stopProcess(member.child, 'SIGKILL');
    this.members.delete(name);
  }

  /** Stops a process as an orchestrator does (SIGTERM) and waits for its exit code. */
  async stop(name: string): Promise<number | null> {
    const member = this.member(name);
    const code = await stopProcess(member.child, 'SIGTERM');
    this.members.delete(name);
    return code;
  }

  /** A request to one process' API, with a bearer token (an API key or the admin token). */
  async call<T = Record<string, unknown>>(
    name: string,
    method: string,
    route: string,
    token: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.member(name).url}${route}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** One read-only query against the cluster's database. */
  async query<T extends Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.postgres.url });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The channel leases standing in the cluster's Redis, each as `<channel id> <worker id>`. */
  async channelLeases(): Promise<string[]> {
    const redis = new Redis(this.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      const prefix = `${this.env.REDIS_KEY_PREFIX}channel-lease:`;
      const keys = await redis.keys(`${prefix}*`);
      const values = keys.length === 0 ? [] : await redis.mget(keys);
      return keys.map((key, i) => `${key.slice(prefix.length)} ${values[i]?.slice(0, values[i]?.lastIndexOf('|'))}`).sort();
    } finally {
      redis.disconnect();
    }
  }

  /** Writes each process' output to `<dir>/<name>.log` (to read after a failed run). */
  writeLogs(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const [label, output] of this.outputs) fs.writeFileSync(path.join(dir, `${label}.log`), output());
    fs.writeFileSync(path.join(dir, 'simulator.log'), this.simulator.output());
  }

  async close(): Promise<void> {
    for (const name of [...this.members.keys()]) await stopProcess(this.member(name).child, 'SIGKILL');
    this.members.clear();
    await stopProcess(this.simulator.child);
    await this.postgres.stop();
    await this.redis.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
