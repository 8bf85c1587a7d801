/**
 * The `Prefer` request header (RFC 7240) as far as the gateway honours it: `wait=<seconds>` asks a request to
 * wait that long for its outcome before answering, `respond-async` asks it not to wait at all. Preferences
 * are hints: a malformed or unknown one is ignored, as the RFC says, and the answer's `Preference-Applied`
 * header tells the client what was honoured.
 */
export interface WaitPreference {
  /** How long to wait, in milliseconds, after the server's cap. */
  waitMs: number;
  /** The `Preference-Applied` value to answer with, when the client asked for something and it was honoured. */
  applied: string | null;
}

const WAIT = /^wait\s*=\s*"?(\d{1,6})"?$/i;

export function waitPreference(header: string | string[] | undefined, defaultMs: number, maxMs: number): WaitPreference {
  const tokens = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((token) => token.split(';')[0].trim())
    .filter(Boolean);
  for (const token of tokens) {
    if (/^respond-async$/i.test(token)) return { waitMs: 0, applied: 'respond-async' };
  }
  for (const token of tokens) {
    const match = WAIT.exec(token);
    if (!match) continue;
    const waitMs = Math.min(Number(match[1]) * 1000, maxMs);
    return { waitMs, applied: `wait=${Math.floor(waitMs / 1000)}` };
  }
  return { waitMs: Math.min(defaultMs, maxMs), applied: null };
}
