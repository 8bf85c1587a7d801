import asyncHooks, { AsyncLocalStorage } from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';

/**
 * One AsyncLocalStorage for every Baileys socket of the process.
 *
 * Baileys gives each socket's key store an AsyncLocalStorage of its own (its transactions). On Node 20 every
 * enabled AsyncLocalStorage is visited each time any promise or other async resource is created, in any code of
 * the process, and one is never released: with hundreds of sockets (and every socket ever opened) each `await`
 * of the gateway pays for all of them. Here the sockets' storages are views over a single real one, whose store
 * maps each view to its value, so the process has one storage however many sockets it opened.
 */
const shared = new AsyncLocalStorage<ReadonlyMap<SharedAsyncLocalStorage<unknown>, unknown>>();

/** The part of AsyncLocalStorage's interface Baileys uses, over the process' one shared storage. */
export class SharedAsyncLocalStorage<T> {
  getStore(): T | undefined {
    return shared.getStore()?.get(this) as T | undefined;
  }

  run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
    const next = new Map(shared.getStore());
    next.set(this, store);
    return shared.run(next, callback, ...args);
  }

  exit<R, A extends unknown[]>(callback: (...args: A) => R, ...args: A): R {
    const current = shared.getStore();
    if (!current?.has(this)) return callback(...args);
    const next = new Map(current);
    next.delete(this);
    return shared.run(next, callback, ...args);
  }

  enterWith(store: T): void {
    const next = new Map(shared.getStore());
    next.set(this, store);
    shared.enterWith(next);
  }

  /** A view holds nothing of its own to release: its values go with the contexts that carry them. */
  disable(): void {}
}

/**
 * Runs `build` (which constructs Baileys objects synchronously: a socket, a key store) with every
 * `new AsyncLocalStorage()` it makes being a view over the shared storage, then puts Node's class back. The
 * swap covers both ways of importing it: CommonJS reads the export when it constructs, and ES modules see the
 * change through syncBuiltinESMExports.
 */
export function withSharedAsyncContext<T>(build: () => T): T {
  const hooks = asyncHooks as { AsyncLocalStorage: unknown };
  const original = hooks.AsyncLocalStorage;
  hooks.AsyncLocalStorage = SharedAsyncLocalStorage;
  syncBuiltinESMExports();
  try {
    return build();
  } finally {
    hooks.AsyncLocalStorage = original;
    syncBuiltinESMExports();
  }
}
