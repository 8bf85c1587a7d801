/**
 * libsignal, the Signal implementation under Baileys, reports each session it opens, closes or prunes with
 * console.info / console.warn and the whole session object: ratchet private keys and root key included, the
 * keys that decrypt a channel's messages. Those lines must not reach the gateway's logs (one per session
 * change of every contact, keys in clear); they are dropped here, and every other console line goes through.
 */
const SESSION_DUMP = /^(Opening session|Closing session|Removing old closed session|Session already closed|Session already open)\b/;

const FILTERED = Symbol('signal session dumps dropped');

type ConsoleMethod = ((...args: unknown[]) => void) & { [FILTERED]?: true };

export function dropSignalSessionDumps(target: Console = console): void {
  for (const level of ['info', 'warn'] as const) {
    if ((target[level] as ConsoleMethod)[FILTERED]) continue;
    const original = target[level].bind(target);
    const filtered: ConsoleMethod = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && SESSION_DUMP.test(args[0])) return;
      original(...args);
    };
    filtered[FILTERED] = true;
    target[level] = filtered;
  }
}
