import { createHash } from 'node:crypto';
import { Curve } from '@whiskeysockets/baileys';

/** Signatures found valid that are remembered; the server's certificate chain needs two. */
export const REMEMBERED_SIGNATURES = 32;

type Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

let original: Verify | undefined;

/**
 * Has Baileys check each signature once.
 *
 * Every connection's Noise handshake checks the server's certificate chain: two XEdDSA signatures, which
 * Baileys' curve library verifies in plain JavaScript at about 6 ms each. A worker reconnecting its channels
 * after a restart spent 18 % of its CPU there, checking the same chain again and again (a server presents one
 * chain to every connection). A check is a pure function of the key, the message and the signature, so a
 * triple accepted before is accepted again: it is answered from memory, and anything else is checked as
 * before. Only accepted triples are kept, the latest REMEMBERED_SIGNATURES of them.
 *
 * What Baileys decides does not change: its `Curve.verify` (7.0.0-rc14) drops the curve library's answer and
 * accepts any well-formed signature (remembered-signatures.spec.ts keeps watch), so this saves the CPU of
 * checks whose answer was never used, and keeps working the day Baileys uses it.
 *
 * Baileys calls `Curve.verify` through its exported object, so replacing that property reaches every caller.
 * Idempotent: the first call installs it.
 */
export function rememberValidSignatures(): void {
  if (original) return;
  const verify: Verify = Curve.verify;
  original = verify;
  const valid = new Set<string>();
  Curve.verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
    const key = fingerprint(publicKey, message, signature);
    if (valid.has(key)) return true;
    const ok = verify(publicKey, message, signature);
    if (ok) {
      if (valid.size >= REMEMBERED_SIGNATURES) valid.delete(valid.values().next().value!);
      valid.add(key);
    }
    return ok;
  };
}

/** The lengths go in first, so that no two different triples hash the same bytes. */
function fingerprint(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): string {
  const lengths = Buffer.alloc(12);
  lengths.writeUInt32BE(publicKey.length, 0);
  lengths.writeUInt32BE(message.length, 4);
  lengths.writeUInt32BE(signature.length, 8);
  return createHash('sha256').update(lengths).update(publicKey).update(message).update(signature).digest('base64');
}
