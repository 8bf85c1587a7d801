/**
 * Waiting with a bound, and running work one at a time per key. Every timer here is cleared once the race is
 * decided and never keeps the process alive: a shutdown that waits "at most N ms" must not itself wait N ms.
 */

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Resolves or rejects as `work` does, or rejects with a TimeoutError naming `what` once `ms` have passed. */
export function withTimeout<T>(work: Promise<T>, ms: number, what = 'the operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Whether `work` settled (fulfilled or rejected) within `ms`. Never rejects; a later rejection of `work` is not reported. */
export function settlesWithin(work: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (!work) return Promise.resolve(true);
  return withTimeout(
    work.then(
      () => true,
      () => true,
    ),
    ms,
  ).catch(() => false);
}

/** The value of `work`, or undefined when it rejects or takes longer than `ms`. */
export function valueWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return withTimeout(work, ms).catch(() => undefined);
}

/**
 * Work run one at a time per key, in the order it was handed in, keys independent of each other: one send at a
 * time per channel, one channel's events applied in the order they came. A task that fails does not stop the
 * ones after it; its caller gets the failure. A key with nothing queued holds no memory.
 */
export class KeyedLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves once everything handed in so far for the key has run (whether it succeeded or not). */
  async drained(key: string): Promise<void> {
    await this.tails.get(key);
  }

  /** Resolves once everything handed in so far, for every key, has run. */
  async drainedAll(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }

  /** How many keys have work queued or running. */
  get size(): number {
    return this.tails.size;
  }
}

/** Runs `work` on every item, at most `limit` at a time, in the items' order of starting; resolves when all have. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
