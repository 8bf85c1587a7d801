import { RecentReads } from './recent-reads';

describe(RecentReads.name, () => {
  it('forgets one key, with the read under way for it, and keeps the others', async () => {
    const recent = new RecentReads<string>({ ttlMs: 50, max: 10, keeps: () => true });
    let reads = 0;
    const read = (value: string) => () => {
      reads += 1;
      return Promise.resolve(value);
    };
    await recent.lookup('b', read('b1'), 1_000);
    const underWay = recent.lookup('a', read('a1'), 1_000);
    recent.forget('a');
    await expect(underWay).resolves.toBe('a1');
    await expect(recent.lookup('a', read('a2'), 1_001)).resolves.toBe('a2');
    await expect(recent.lookup('b', read('b2'), 1_001)).resolves.toBe('b1');
    expect(reads).toBe(3);
  });

  it('holds at most `max` keys, dropping the oldest', async () => {
    const recent = new RecentReads<string>({ ttlMs: 50, max: 2, keeps: () => true });
    for (const key of ['a', 'b', 'c']) await recent.lookup(key, () => Promise.resolve(`${key}1`), 1_000);
    await expect(recent.lookup('a', () => Promise.resolve('a2'), 1_001)).resolves.toBe('a2');
    await expect(recent.lookup('c', () => Promise.resolve('c2'), 1_001)).resolves.toBe('c1');
  });
});
