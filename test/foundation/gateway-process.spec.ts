import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript, startScript, stopProcess } from '../support/processes';

describe('The gateway process', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-main-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('stops with one clear line naming a bad variable', async () => {
    const result = await runScript('src/main.ts', [], { DATA_DIR: dataDir, PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: PORT must be an integer between 0 and 65535 (got "eighty")');
  });

  it('starts with no configuration on the embedded database, is ready, and refuses a second process on it', async () => {
    const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
    const { child, line } = await startScript('src/main.ts', env, /WhatIsUp gateway listening/, 120_000);
    try {
      const { url, database } = JSON.parse(line);
      expect(database).toBe('pglite');
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);

      const second = await runScript('src/main.ts', [], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/in use by another process \(pid \d+\)/);

      // The CLI reaches the running gateway through its admin API while the gateway holds the database.
      const customer = await runScript('src/cli/main.ts', ['customers', 'create', '--name', 'Embedded'], env);
      expect(customer.code).toBe(0);
      expect(JSON.parse(customer.stdout).id).toMatch(/^cus_/);
    } finally {
      expect(await stopProcess(child)).toBe(0);
    }
    // Three Node processes start one after another, each compiling TypeScript on the fly: on two busy
    // cores that alone can pass Jest's default minute.
  }, 240_000);
});
