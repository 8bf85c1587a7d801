import { Logger } from '@nestjs/common';

/**
 * A kind of rejection a library leaves unhandled although nothing is lost by it: a promise it abandoned when
 * the connection that should have answered went away. `describe` says what was dropped, for the log.
 */
export interface StrayRejection {
  /** Who leaves it, for the log: "WhatsApp socket", "Redis connection". */
  source: string;
  /** The description of `reason` when it is of this kind; undefined otherwise. */
  recognise(reason: unknown): string | undefined;
}

const kinds: StrayRejection[] = [];
let installed = false;

/**
 * Marks rejections of `kind` handled and logs them, from now on, for the whole process. Every other unhandled
 * rejection still fails the process as Node would (rethrown as an uncaught exception): a rejection of this
 * code's own that nobody awaits is a bug to see, not to swallow.
 */
export function dropStrayRejections(kind: StrayRejection): void {
  if (!kinds.includes(kind)) kinds.push(kind);
  if (installed) return;
  installed = true;
  const logger = new Logger('StrayRejections');
  process.on('unhandledRejection', (reason, promise) => {
    const stray = strayRejection(reason);
    if (!stray) throw reason;
    promise.catch(() => undefined);
    logger.warn(`${stray.source} ended under a pending request (${stray.description}); the request was dropped`);
  });
}

/** The kind `reason` is of, among those `kinds` (by default those dropped so far), with its description. */
export function strayRejection(
  reason: unknown,
  among: readonly StrayRejection[] = kinds,
): { source: string; description: string } | undefined {
  for (const kind of among) {
    const description = kind.recognise(reason);
    if (description !== undefined) return { source: kind.source, description };
  }
  return undefined;
}
