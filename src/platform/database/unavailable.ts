/**
 * Whether an error says the database could not be reached or dropped the connection (a restart, a failover,
 * a pool that could not connect), as opposed to a refusal of the statement itself. Work that must not be lost
 * (an inbound message Baileys has already acknowledged to WhatsApp) waits and tries again on these.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}

/**
 * PostgreSQL's admin_shutdown, crash_shutdown, cannot_connect_now (class 08 is connection exceptions), the
 * socket errors of node, and Prisma's "can't reach", "closed the connection" and pool timeout.
 */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'P1001',
  'P1017',
  'P2024',
]);

/** What the pg driver and Prisma's adapter say when they only have a message (codes sit in the text). */
const UNAVAILABLE_MESSAGES = [
  /Client has encountered a connection error/,
  /Connection terminated/,
  /Code: `(57P0[123]|08\w{3})`/,
  /ECONNREFUSED|ECONNRESET/,
  /Timed out fetching a new connection from the connection pool/,
  /timeout exceeded when trying to connect/, // pg's pool, for plain SQL (sql.ts)
  // P1001 and P1017 as a raw query reports them: inside P2010, whose code is `N/A`
  /Can't reach database server/,
  /Server has closed the connection/,
  /Unable to start a transaction in the given time/,
];

/**
 * Runs `work`, and runs it again with a backoff (100 ms doubling, at most 5 s apart) while it fails because
 * the database is unavailable, for up to `maxWaitMs`; any other error, or one past the wait, is thrown.
 * For writes whose outcome already happened outside the database and cannot happen again: a message WhatsApp
 * has delivered, a webhook the receiver has answered. `onWait` is told of each retry (to log it).
 */
export async function whileDatabaseUnavailable<T>(
  work: () => Promise<T>,
  options: { maxWaitMs: number; onWait?: (error: unknown, attempt: number, delayMs: number) => void },
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() - started > options.maxWaitMs) throw error;
      const delayMs = Math.min(5_000, 100 * 2 ** (attempt - 1));
      options.onWait?.(error, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
