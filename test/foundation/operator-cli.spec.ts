import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { runScript } from '../support/processes';

// Each test starts Node processes that compile TypeScript on the fly (and PGlite loads a WebAssembly
// PostgreSQL): on two busy cores that can pass Jest's default minute.
jest.setTimeout(180_000);

describe('The operator CLI', () => {
  let db: TestDatabase;
  let dataDir: string;
  let gw: TestGateway;

  const cli = (...args: string[]) => runScript('src/cli/main.ts', args, { DATABASE_URL: db.url, DATA_DIR: dataDir });

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-cli-'));
    gw = await TestGateway.start(db.prisma);
  });
  afterAll(async () => {
    await gw.close();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a customer and a key that authenticates, lists it by prefix, and revokes it', async () => {
    const customer = await cli('customers', 'create', '--name', 'Acme CLI', '--plan', 'pro');
    expect(customer.code).toBe(0);
    const { id: customerId, plan } = JSON.parse(customer.stdout);
    expect(customerId).toMatch(/^cus_/);
    expect(plan).toBe('pro');

    // A channel of this customer, made without a key of its own so that the listing below holds one key.
    const channelId = (await db.prisma.channel.create({ data: { id: randomUUID(), customerId, name: 'cli', mode: 'test' } })).id;
    const created = await cli('keys', 'create', '--customer', customerId, '--mode', 'test', '--channel', channelId);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ id: expect.stringMatching(/^key_/), key: expect.stringMatching(/^zpk_test_/), channel_id: channelId });

    const limits = await gw.http.get('/v1/limits').set(bearer(key.key)).expect(200);
    expect(limits.body.plan).toBe('pro');

    const listed = await cli('keys', 'list', '--customer', customerId);
    expect(listed.code).toBe(0);
    const page = JSON.parse(listed.stdout);
    expect(page.data.map((k: { id: string }) => k.id)).toEqual([key.id]);
    expect(listed.stdout).not.toContain(key.key);

    const revoked = await cli('keys', 'revoke', key.id);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout).status).toBe('revoked');
    expect(errorCode(await gw.http.get('/v1/limits').set(bearer(key.key)).expect(401))).toBe('auth_invalid');
  });

  it('creates keys with an expiry', async () => {
    const { id } = JSON.parse((await cli('customers', 'create', '--name', 'Exp')).stdout);
    const expires = new Date(Date.now() + 3600_000).toISOString();
    const created = await cli('keys', 'create', '--customer', id, '--mode', 'live', '--expires', expires);
    expect(JSON.parse(created.stdout)).toMatchObject({ mode: 'live', expires_at: expires });
  });

  it('fails with a JSON error and a non-zero exit on bad input', async () => {
    const missing = await cli('customers', 'create');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe('invalid_request');
    const badMode = await cli('keys', 'create', '--customer', 'cus_x', '--mode', 'prod');
    expect(JSON.parse(badMode.stderr).error.code).toBe('invalid_request');
    const unknownCustomer = await cli('keys', 'create', '--customer', 'cus_x', '--mode', 'test');
    expect(JSON.parse(unknownCustomer.stderr).error.code).toBe('not_found');
    const unknownCommand = await cli('frobnicate');
    expect(unknownCommand.code).toBe(1);
  });
});
