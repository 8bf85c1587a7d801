import { addTransactionCapability, type SignalKeyStore } from '@whiskeysockets/baileys';
import asyncHooks, { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';
import { SharedAsyncLocalStorage, withSharedAsyncContext } from './shared-async-context';

const silent = pino({ level: 'silent' });

function memoryKeys(): SignalKeyStore {
  const data = new Map<string, unknown>();
  return {
    get: async (type, ids) =>
      Object.fromEntries(ids.filter((id) => data.has(`${type}/${id}`)).map((id) => [id, data.get(`${type}/${id}`)])),
    set: async (values) => {
      for (const [type, byId] of Object.entries(values))
        for (const [id, value] of Object.entries(byId ?? {})) data.set(`${type}/${id}`, value);
    },
  } as SignalKeyStore;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('SharedAsyncLocalStorage', () => {
  it('keeps each view’s value apart, through awaits, and only inside its run', async () => {
    const a = new SharedAsyncLocalStorage<string>();
    const b = new SharedAsyncLocalStorage<string>();
    expect(a.getStore()).toBeUndefined();
    await a.run('a1', async () => {
      await tick();
      expect([a.getStore(), b.getStore()]).toEqual(['a1', undefined]);
      await b.run('b1', async () => {
        await tick();
        expect([a.getStore(), b.getStore()]).toEqual(['a1', 'b1']);
        await a.run('a2', async () => expect([a.getStore(), b.getStore()]).toEqual(['a2', 'b1']));
        expect(a.getStore()).toBe('a1');
        a.exit(() => expect([a.getStore(), b.getStore()]).toEqual([undefined, 'b1']));
      });
      expect(b.getStore()).toBeUndefined();
    });
    expect(a.getStore()).toBeUndefined();
  });

  it('keeps concurrent runs of one view apart', async () => {
    const view = new SharedAsyncLocalStorage<number>();
    const seen = await Promise.all(
      [1, 2, 3].map((n) =>
        view.run(n, async () => {
          await tick();
          return view.getStore();
        }),
      ),
    );
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('withSharedAsyncContext', () => {
  it('makes the storages built inside it views, and gives Node’s class back after', () => {
    const inside = withSharedAsyncContext(() => new asyncHooks.AsyncLocalStorage());
    expect(inside).toBeInstanceOf(SharedAsyncLocalStorage);
    expect(new asyncHooks.AsyncLocalStorage()).toBeInstanceOf(AsyncLocalStorage);
    expect(() =>
      withSharedAsyncContext(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(asyncHooks.AsyncLocalStorage).toBe(AsyncLocalStorage);
  });

  it('gives Baileys key stores working transactions, each its own', async () => {
    const [one, two] = [1, 2].map(() =>
      withSharedAsyncContext(() => addTransactionCapability(memoryKeys(), silent, { maxCommitRetries: 1, delayBetweenTriesMs: 0 })),
    );
    const seen: boolean[] = [];
    const runs = jest.spyOn(SharedAsyncLocalStorage.prototype, 'run');
    await one.transaction(async () => {
      seen.push(one.isInTransaction(), two.isInTransaction());
      await one.set({ session: { alice: Buffer.from('1') } });
      await tick();
      // written in the transaction: not yet in the store, but read back from it
      expect(await one.get('session', ['alice'])).toEqual({ alice: Buffer.from('1') });
      await two.transaction(async () => seen.push(one.isInTransaction(), two.isInTransaction()), 'other');
    }, 'key');
    expect(seen).toEqual([true, false, true, true]);
    // the transactions ran in views of the shared storage, not in storages of their own
    expect(runs).toHaveBeenCalledTimes(2);
    runs.mockRestore();
    expect([one.isInTransaction(), two.isInTransaction()]).toEqual([false, false]);
    expect(await one.get('session', ['alice'])).toEqual({ alice: Buffer.from('1') });
  });
});
