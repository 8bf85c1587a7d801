import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';

/**
 * The schema engine does not call a driver adapter directly: every call must resolve to a result object
 * (`{ ok: true, value }` or `{ ok: false, error }`), database errors carried as their structured payload
 * and any other JavaScript error parked in a registry the engine reads back by id. This is the binding
 * Prisma's client applies to an adapter (`bind*` in @prisma/driver-adapter-utils), written out here so
 * the migrator depends only on packages the project declares.
 */
type Result<T> =
  { ok: true; value: T; map<U>(fn: (value: T) => U): Result<U> } | { ok: false; error: unknown; map<U>(fn: (value: T) => U): Result<U> };

const ok = <T>(value: T): Result<T> => ({ ok: true, value, map: (fn) => ok(fn(value)) });
const err = <T>(error: unknown): Result<T> => ({ ok: false, error, map: () => err(error) });

class ErrorRegistry {
  private readonly errors = new Map<number, { error: unknown }>();
  private nextId = 0;

  register(error: unknown): number {
    const id = this.nextId++;
    this.errors.set(id, { error });
    return id;
  }

  consumeError(id: number): { error: unknown } | undefined {
    const entry = this.errors.get(id);
    this.errors.delete(id);
    return entry;
  }
}

// By shape, not `instanceof`: adapters may bring their own copy of the error class.
function isDriverAdapterError(error: unknown): error is { cause: object } {
  const candidate = error as { name?: unknown; cause?: unknown } | null;
  return candidate?.name === 'DriverAdapterError' && typeof candidate.cause === 'object' && candidate.cause !== null;
}

function bound<A extends unknown[], T>(registry: ErrorRegistry, fn: (...args: A) => T | Promise<T>) {
  return async (...args: A): Promise<Result<T>> => {
    try {
      return ok(await fn(...args));
    } catch (error) {
      if (isDriverAdapterError(error)) return err(error.cause);
      return err({ kind: 'GenericJs', id: registry.register(error) });
    }
  };
}

function boundSync<T>(registry: ErrorRegistry, fn: () => T) {
  return (): Result<T> => {
    try {
      return ok(fn());
    } catch (error) {
      if (isDriverAdapterError(error)) return err(error.cause);
      return err({ kind: 'GenericJs', id: registry.register(error) });
    }
  };
}

function bindTransaction(registry: ErrorRegistry, tx: Transaction) {
  return {
    adapterName: tx.adapterName,
    provider: tx.provider,
    options: tx.options,
    queryRaw: bound(registry, tx.queryRaw.bind(tx)),
    executeRaw: bound(registry, tx.executeRaw.bind(tx)),
    commit: bound(registry, tx.commit.bind(tx)),
    rollback: bound(registry, tx.rollback.bind(tx)),
    ...(tx.createSavepoint && { createSavepoint: bound(registry, tx.createSavepoint.bind(tx)) }),
    ...(tx.rollbackToSavepoint && { rollbackToSavepoint: bound(registry, tx.rollbackToSavepoint.bind(tx)) }),
    ...(tx.releaseSavepoint && { releaseSavepoint: bound(registry, tx.releaseSavepoint.bind(tx)) }),
  };
}

function bindAdapter(registry: ErrorRegistry, adapter: SqlDriverAdapter) {
  const startTransaction = bound(registry, adapter.startTransaction.bind(adapter));
  return {
    adapterName: adapter.adapterName,
    provider: adapter.provider,
    errorRegistry: registry,
    queryRaw: bound(registry, adapter.queryRaw.bind(adapter)),
    executeRaw: bound(registry, adapter.executeRaw.bind(adapter)),
    executeScript: bound(registry, adapter.executeScript.bind(adapter)),
    dispose: bound(registry, adapter.dispose.bind(adapter)),
    startTransaction: async (...args: Parameters<SqlDriverAdapter['startTransaction']>) =>
      (await startTransaction(...args)).map((tx) => bindTransaction(registry, tx)),
    ...(adapter.getConnectionInfo && {
      getConnectionInfo: boundSync(registry, adapter.getConnectionInfo.bind(adapter)),
    }),
  };
}

export function bindForEngine(factory: SqlMigrationAwareDriverAdapterFactory): object {
  const registry = new ErrorRegistry();
  const connect = bound(registry, factory.connect.bind(factory));
  const connectToShadowDb = bound(registry, factory.connectToShadowDb.bind(factory));
  return {
    adapterName: factory.adapterName,
    provider: factory.provider,
    errorRegistry: registry,
    connect: async () => (await connect()).map((adapter) => bindAdapter(registry, adapter)),
    connectToShadowDb: async () => (await connectToShadowDb()).map((adapter) => bindAdapter(registry, adapter)),
  };
}
