import { isDatabaseUnavailable, whileDatabaseUnavailable } from './unavailable';

describe(isDatabaseUnavailable.name, () => {
  it.each([
    ['a restart (admin shutdown)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a broken pooled client', new Error('Client has encountered a connection error and is not queryable')],
    ['Prisma naming the code in its text', new Error('Raw query failed. Code: `57P01`. Message: `terminating connection`')],
    [
      'a raw query that could not reach the server (P2010 names no code)',
      Object.assign(new Error("Raw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:5432`"), {
        code: 'P2010',
      }),
    ],
    [
      'a raw query whose connection the server closed',
      new Error('Raw query failed. Code: `N/A`. Message: `Server has closed the connection.`'),
    ],
    ['a connection exception class code', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a cause further down', new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax error at or near'), { code: '42601' })],
    ['a plain error', new Error('boom')],
    ['not an error', 'text'],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe(whileDatabaseUnavailable.name, () => {
  const down = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

  it('runs the work again while the database is unavailable, and returns its result once it is back', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await whileDatabaseUnavailable(
      async () => {
        calls++;
        if (calls < 3) throw down();
        return 'stored';
      },
      { maxWaitMs: 10_000, onWait: (_, __, delayMs) => waits.push(delayMs) },
    );
    expect([result, calls, waits]).toEqual(['stored', 3, [100, 200]]);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const refused = whileDatabaseUnavailable(
      async () => {
        calls++;
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      },
      { maxWaitMs: 10_000 },
    );
    await expect(refused).rejects.toThrow('duplicate key');
    expect(calls).toBe(1);
  });

  it('throws the last unavailable error once the wait is over', async () => {
    let calls = 0;
    const work = whileDatabaseUnavailable(
      async () => {
        calls++;
        throw down();
      },
      { maxWaitMs: 250 },
    );
    await expect(work).rejects.toThrow('ECONNREFUSED');
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(4);
  });
});
