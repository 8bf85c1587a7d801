import { RecentReads } from '../../platform/recent-reads';
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

/**
 * Keys that authenticated in the last AUTHENTICATED_KEY_TTL_MS, by secret hash, and the lookups under way: the
 * requests that come during a lookup share it rather than each reading the key. Only keys that authenticate
 * are kept (not unknown or revoked ones). This process forgets every key the moment it revokes one or changes
 * a plan (`forgetAll`); a lookup under way then is not kept.
 */
export class RecentlyAuthenticated extends RecentReads<AuthenticatingKey | null> {
  constructor() {
    super({ ttlMs: AUTHENTICATED_KEY_TTL_MS, max: 10_000, keeps: (row) => row !== null && !row.revokedAt });
  }
}
