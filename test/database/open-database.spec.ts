import path from 'node:path';
import pg from 'pg';
import { applyPendingMigrations, openDatabase, sqlOf } from '../../src/platform/database';
import { PLANNED_PER_CALL, poolSql, PreparedStatements } from '../../src/platform/database/sql';
import { createTestDatabase, type TestDatabase, withServerClient } from '../support/database';
import { runScript } from '../support/processes';
import { SQL_SCENARIO_RESULT, sqlScenario } from './fixtures/sql-scenario';

/**
 * Ends a pool and waits for its connections to close. `pool.end()` resolves once the pool has let its clients go,
 * before their connections have closed; the database dropped after each test (WITH FORCE) then ended one still
 * closing, and the pool's error event, with no listener, failed the test.
 */
async function endPool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      open -= 1;
      if (open === 0) resolve();
    });
  });
  await pool.end();
  await closed;
}

describe(openDatabase.name, () => {
  describe('on PostgreSQL', () => {
    let db: TestDatabase;

    beforeEach(async () => {
      db = await createTestDatabase();
    });
    afterEach(async () => {
      await db.drop();
    });

    it('gives a test database with every migration applied and the default plans', async () => {
      expect(await applyPendingMigrations({ databaseUrl: db.url, dataDir: '.' })).toEqual({ applied: [] });
      expect(await db.prisma.plan.findMany({ orderBy: { id: 'asc' } })).toMatchObject([
        { id: 'free', name: 'Free', channelLimit: 3, rateLimitBurst: 60, rateLimitPerSecond: 1 },
        { id: 'pro', name: 'Pro', channelLimit: 25, rateLimitBurst: 300, rateLimitPerSecond: 10 },
        { id: 'unlimited', name: 'Unlimited', channelLimit: 100000, rateLimitBurst: 100000, rateLimitPerSecond: 10000 },
      ]);
    });

    it('commits an interactive transaction and rolls one back when its callback throws', async () => {
      const count = await db.prisma.$transaction(async (tx) => {
        await tx.customer.create({ data: { id: 'c1', name: 'Committed', planId: 'free' } });
        return tx.customer.count();
      });
      await expect(
        db.prisma.$transaction(async (tx) => {
          await tx.customer.create({ data: { id: 'c2', name: 'Rolled back', planId: 'free' } });
          throw new Error('abort the transaction');
        }),
      ).rejects.toThrow('abort the transaction');

      expect(count).toBe(1);
      expect(await db.prisma.customer.findMany({ select: { id: true } })).toEqual([{ id: 'c1' }]);
    });

    it('runs plain SQL on its pool: parameters of every kind, transactions that commit, roll back and run at once', async () => {
      expect(await sqlScenario(sqlOf(db.prisma))).toEqual(SQL_SCENARIO_RESULT);
    });

    it('ends a plain transaction whose statement, or whose pause between statements, outlasts its limit', async () => {
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      const sql = poolSql(pool, { limitMs: 300 });
      try {
        const slowStatement = await sql.transaction((tx) => tx.query('SELECT pg_sleep(2)')).catch((error: { code?: string }) => error.code);
        const pause = await sql
          .transaction(async (tx) => {
            await tx.query('SELECT 1');
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            return tx.query('SELECT 2');
          })
          .then(
            () => 'committed',
            () => 'ended',
          );
        expect({ slowStatement, pause, after: await sql.query('SELECT 1 AS one') }).toEqual({
          slowStatement: '57014', // query_canceled
          pause: 'ended',
          after: [{ one: 1 }],
        });
      } finally {
        await endPool(pool);
      }
    });

    it('prepares each plain statement once a connection, runs unnamed past the cap, and again unnamed once a migration changed its result', async () => {
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      const sql = poolSql(pool, { prepared: new PreparedStatements(3) });
      const prepared = async () =>
        (
          await sql.query<{ statement: string }>(
            "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'wiu\\_%' ORDER BY prepare_time, name",
          )
        ).map(({ statement }) => statement);
      try {
        await sql.query('CREATE TABLE prepared_probe (a int)');
        await sql.query('INSERT INTO prepared_probe VALUES ($1)', [1]);
        await sql.query('INSERT INTO prepared_probe VALUES ($1)', [2]);
        const beforeMigration = await sql.query('SELECT * FROM prepared_probe ORDER BY a');
        // Three texts are named already (the cap): this one, like the listing, runs unnamed.
        await sql.query('SELECT count(*) FROM prepared_probe');
        const named = await prepared();

        // A column added while the process runs: the prepared SELECT * would now answer with another row type.
        await pool.query('ALTER TABLE prepared_probe ADD COLUMN b text');
        const afterMigration = await sql.query('SELECT * FROM prepared_probe ORDER BY a');

        expect({ beforeMigration, named, afterMigration, rows: await sql.query('SELECT * FROM prepared_probe ORDER BY a') }).toEqual({
          beforeMigration: [{ a: 1 }, { a: 2 }],
          named: [
            'CREATE TABLE prepared_probe (a int)',
            'INSERT INTO prepared_probe VALUES ($1)',
            'SELECT * FROM prepared_probe ORDER BY a',
          ],
          afterMigration: [
            { a: 1, b: null },
            { a: 2, b: null },
          ],
          rows: [
            { a: 1, b: null },
            { a: 2, b: null },
          ],
        });
      } finally {
        await endPool(pool);
      }
    });

    it('plans a statement marked PLANNED_PER_CALL at every call, never preparing it, whatever the calls', async () => {
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      const sql = poolSql(pool, { prepared: new PreparedStatements() });
      const join = `UPDATE per_call_probe AS p SET n = p.n + 1 FROM unnest($1::text[]) AS t(id) WHERE p.id = t.id RETURNING p.id`;
      try {
        await pool.query('CREATE TABLE per_call_probe (id text PRIMARY KEY, n int NOT NULL DEFAULT 0)');
        await pool.query("INSERT INTO per_call_probe (id) SELECT 'p' || g FROM generate_series(1, 5) g");
        // More calls than PostgreSQL makes before it settles on one plan for any values.
        for (let call = 0; call < 8; call++) {
          expect(await sql.query(`${PLANNED_PER_CALL} ${join}`, [['p1', 'p2']])).toHaveLength(2);
          await sql.query(join, [['p3']]);
        }
        const prepared = await pool.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'wiu\\_%'");
        expect(prepared.rows.map((row) => row.statement)).toEqual([join]);
        expect((await pool.query('SELECT n FROM per_call_probe ORDER BY id')).rows.map((row) => row.n)).toEqual([8, 8, 8, 0, 0]);
      } finally {
        await endPool(pool);
      }
    });

    it('prepares nothing when told not to (behind a pooler that cannot keep prepared statements)', async () => {
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      const sql = poolSql(pool);
      try {
        await sql.query('SELECT 1 AS one');
        await sql.transaction((tx) => tx.query('SELECT 2 AS two'));
        expect(await sql.query('SELECT count(*)::int AS n FROM pg_prepared_statements')).toEqual([{ n: 0 }]);
      } finally {
        await endPool(pool);
      }
    });

    it('has plain SQL only for the clients it opened', async () => {
      const { PrismaClient } = await import('../../src/generated/prisma/client');
      const { PrismaPg } = await import('@prisma/adapter-pg');
      const other = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
      expect(() => sqlOf(other)).toThrow('Not a Prisma client returned by openDatabase()');
    });

    it('opens a PostgreSQL database when given a URL, and closes it', async () => {
      const database = await openDatabase({ databaseUrl: db.url, dataDir: '.' });
      expect(database.kind).toBe('postgres');
      expect(await database.prisma.plan.count()).toBe(3);
      await database.close();
      await database.close();
    });

    it('lives through the server ending its connections under load (a restart): queries fail, the process does not', async () => {
      // Without a listener on every connection, one handed from a query to a waiting transaction within a read of
      // the socket that also held the server's goodbye had none, and its error event ended the process (exit 1).
      const run = await runScript(path.join(__dirname, 'fixtures', 'terminated-connections.ts'), [db.url, '40'], {}, 120_000);
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
      const result = JSON.parse(
        run.stdout
          .split('\n')
          .find((line) => line.startsWith('RESULT '))!
          .slice(7),
      ) as Record<string, number>;
      expect(result.completed).toBeGreaterThan(100);
      expect(result.failed).toBeGreaterThan(0);
      expect(result.plansAfter).toBe(3);
    }, 150_000);
  });

  it('drops the test database, even with connections open', async () => {
    const db = await createTestDatabase();
    const name = new URL(db.url).pathname.slice(1);
    await db.prisma.plan.count();

    await db.drop();

    const rows = await withServerClient((client) => client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
    expect(rows.rowCount).toBe(0);
  });
});
