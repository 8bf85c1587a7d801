import { randomFillSync } from 'node:crypto';

/** Bytes of one id: 72 random bits, as many as WhatsApp Web's ids carry. */
const ID_BYTES = 9;
/** Ids drawn from one fill of the pool. */
const POOL_IDS = 512;

const pool = Buffer.alloc(ID_BYTES * POOL_IDS);
let next = POOL_IDS;

/**
 * A new message id in WhatsApp Web's shape: "3EB0" and 18 upper-case hex digits, what Baileys'
 * `generateMessageIDV2` gives for a socket that names no user (72 bits of a SHA-256 over the time and 16
 * random bytes). Here the 72 bits are drawn from a pool filled 4.5 KiB at a time: every accepted send takes an
 * id, and a random draw and a hash of its own for each was a cost in the request's path.
 */
export function newMessageId(): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next++ * ID_BYTES;
  return `3EB0${pool.toString('hex', start, start + ID_BYTES).toUpperCase()}`;
}
