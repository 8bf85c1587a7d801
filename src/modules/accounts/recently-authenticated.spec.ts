import type { AuthenticatingKey } from './accounts.repository';
import { AUTHENTICATED_KEY_TTL_MS, RecentlyAuthenticated } from './recently-authenticated';

const row = (id: string, revoked = false): AuthenticatingKey => ({
  id,
  customerId: 'cus_1',
  mode: 'test',
  channelId: null,
  expiresAt: null,
  revokedAt: revoked ? new Date() : null,
  planId: 'free',
  channelLimit: 3,
  rateLimitBurst: 60,
  rateLimitPerSecond: 1,
  mediaMaxBytes: null,
});

/** A database read that counts its calls and answers when told to. */
function reads(answer: () => AuthenticatingKey | null) {
  let calls = 0;
  const pending: Array<() => void> = [];
  const read = () => {
    calls += 1;
    return new Promise<AuthenticatingKey | null>((resolve) => pending.push(() => resolve(answer())));
  };
  const settle = async () => {
    while (pending.length > 0) pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { read, settle, calls: () => calls };
}

describe(RecentlyAuthenticated.name, () => {
  it('shares one lookup between the requests that come while it runs, and holds its answer AUTHENTICATED_KEY_TTL_MS', async () => {
    const recent = new RecentlyAuthenticated();
    const db = reads(() => row('key_a'));
    const both = [recent.lookup('hash-a', db.read, 1_000), recent.lookup('hash-a', db.read, 1_005)];
    await db.settle();
    expect((await Promise.all(both)).map((r) => r?.id)).toEqual(['key_a', 'key_a']);
    expect(db.calls()).toBe(1);
    await expect(recent.lookup('hash-a', db.read, 1_000 + AUTHENTICATED_KEY_TTL_MS - 1)).resolves.toMatchObject({ id: 'key_a' });
    expect(db.calls()).toBe(1);
    // Counted from the start of the lookup, not its end.
    const later = recent.lookup('hash-a', db.read, 1_000 + AUTHENTICATED_KEY_TTL_MS);
    await db.settle();
    await later;
    expect(db.calls()).toBe(2);
  });

  it('keeps neither unknown nor revoked keys, nor a failed lookup', async () => {
    const recent = new RecentlyAuthenticated();
    for (const answer of [() => null, () => row('key_r', true)]) {
      const db = reads(answer);
      const first = recent.lookup('hash', db.read, 1_000);
      await db.settle();
      await first;
      const second = recent.lookup('hash', db.read, 1_001);
      await db.settle();
      await second;
      expect(db.calls()).toBe(2);
    }
    const failing = () => Promise.reject(new Error('database down'));
    await expect(recent.lookup('hash-f', failing, 1_000)).rejects.toThrow('database down');
    await new Promise((resolve) => setImmediate(resolve));
    const db = reads(() => row('key_f'));
    const again = recent.lookup('hash-f', db.read, 1_001);
    await db.settle();
    await expect(again).resolves.toMatchObject({ id: 'key_f' });
  });

  it('forgets every key at once, and does not keep what a lookup under way then reads', async () => {
    const recent = new RecentlyAuthenticated();
    const db = reads(() => row('key_a'));
    const before = recent.lookup('hash-a', db.read, 1_000);
    recent.forgetAll();
    await db.settle();
    await before;
    // The lookup begun before the key was revoked is not kept: the next request reads again.
    const after = recent.lookup('hash-a', db.read, 1_001);
    await db.settle();
    await after;
    expect(db.calls()).toBe(2);
  });

  it('holds at most 10,000 keys, the oldest going first', async () => {
    const recent = new RecentlyAuthenticated();
    for (let n = 0; n <= 10_000; n++) await recent.lookup(`hash-${n}`, async () => row(`key_${n}`), 1_000);
    let reads = 0;
    const read = async () => {
      reads += 1;
      return row('again');
    };
    await recent.lookup('hash-1', read, 1_001);
    expect(reads).toBe(0);
    await recent.lookup('hash-0', read, 1_001);
    expect(reads).toBe(1);
  });
});
