import type { AuthenticatingKey } from './accounts.repository';

/**
 * How long a key that authenticated is taken at its word without asking the database again, counted from the
 * start of the lookup that read it. Every API request authenticates, and the lookup was one of the three
 * statements of an accepted send; under load a key is then read about 20 times a second instead of once a
 * request. Short enough that a key revoked, or a plan changed, by another process (a gateway beside this one,
 * the operator CLI) is refused here before any client could tell: a request already under way when the key
 * was revoked has the same window.
 */
export const AUTHENTICATED_KEY_TTL_MS = 50;

/** At most this many keys held; past it the oldest goes. */
const MAX_KEYS = 10_000;

interface Entry {
  lookup: Promise<AuthenticatingKey | null>;
  /** Until when the lookup's answer stands; while it is under way, every request for the key waits for it. */
  until: number;
}

/**
 * Keys that authenticated in the last AUTHENTICATED_KEY_TTL_MS, by secret hash, and the lookups under way: the
 * requests that come during a lookup share it rather than each reading the key. Only keys that authenticate
 * are kept (not unknown or revoked ones). This process forgets every key the moment it revokes one or changes
 * a plan; a lookup under way then is not kept.
 */
export class RecentlyAuthenticated {
  private readonly entries = new Map<string, Entry>();

  lookup(secretHash: string, read: () => Promise<AuthenticatingKey | null>, now = Date.now()): Promise<AuthenticatingKey | null> {
    const known = this.entries.get(secretHash);
    if (known && known.until > now) return known.lookup;
    if (this.entries.size >= MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string);
    const entry: Entry = { lookup: read(), until: Number.POSITIVE_INFINITY };
    this.entries.set(secretHash, entry);
    const current = () => this.entries.get(secretHash) === entry;
    entry.lookup.then(
      (row) => {
        if (!current()) return;
        if (row && !row.revokedAt) entry.until = now + AUTHENTICATED_KEY_TTL_MS;
        else this.entries.delete(secretHash);
      },
      () => {
        if (current()) this.entries.delete(secretHash);
      },
    );
    return entry.lookup;
  }

  /** A key revoked, a customer's plan changed, a plan's limits changed: every key goes (they are few and cheap to read). */
  forgetAll(): void {
    this.entries.clear();
  }
}
