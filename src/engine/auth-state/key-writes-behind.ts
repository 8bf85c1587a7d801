import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Key-store writes that may land behind the work that made them. A send encrypts its message, hands it to the
 * socket, then commits the Signal session it advanced; Baileys holds the channel's key store (and our send lane)
 * until that commit returns, so on a busy database the next message of the channel waited for each session's
 * round trip. Inside `run`, the auth state keeps the new keys in Baileys' cache at once and writes them in the
 * background, in the order they were made; `run` gives back, beside the work's result, a promise that they
 * landed. The caller records the send only after that: a message is never `sent` with its session unsaved.
 */
export class KeyWritesBehind {
  private static readonly scope = new AsyncLocalStorage<Scope>();

  /** Runs `work`; the key writes it makes land behind it, in `written`. */
  static async run<T>(work: () => Promise<T>): Promise<{ result: T; written: Promise<void> }> {
    const scope: Scope = { writes: [], open: true };
    try {
      const result = await KeyWritesBehind.scope.run(scope, work);
      return { result, written: Promise.all(scope.writes).then(() => undefined) };
    } finally {
      // what runs later in work's context (a timer it set) writes as anywhere else: awaited by its caller
      scope.open = false;
    }
  }

  /**
   * Hands `write` (already started) to the work under way if it runs in `run`; says whether it did. The
   * caller then does not wait for it.
   */
  static tryDefer(write: Promise<void>): boolean {
    const scope = KeyWritesBehind.scope.getStore();
    if (!scope?.open) return false;
    // observed by `written`; without this a failure before `run` returns would be reported as unhandled
    write.catch(() => undefined);
    scope.writes.push(write);
    return true;
  }
}

interface Scope {
  writes: Array<Promise<void>>;
  open: boolean;
}
