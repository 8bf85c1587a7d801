import { isDatabaseUnavailable } from './unavailable';

describe(isDatabaseUnavailable.name, () => {
  it.each([
    ['a restart (admin shutdown)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a broken pooled client', new Error('Client has encountered a connection error and is not queryable')],
    ['Prisma naming the code in its text', new Error('Raw query failed. Code: `57P01`. Message: `terminating connection`')],
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
