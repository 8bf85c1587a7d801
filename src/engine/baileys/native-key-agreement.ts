import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { Curve } from '@whiskeysockets/baileys';

type SharedKey = typeof Curve.sharedKey;

let original: SharedKey | undefined;

/**
 * Has Baileys' X25519 key agreement import its keys the fast way.
 *
 * Every connection's Noise handshake agrees three keys. Baileys' curve library computes them with Node's own
 * X25519, but imports each raw key by wrapping it in DER (PKCS #8, SPKI), which OpenSSL 3 decodes slowly: a worker
 * reconnecting 1,000 channels spent 7 % of its CPU there. Imported as JWKs, the same keys go to OpenSSL directly,
 * about five times faster, and the agreement is the same computation (native-key-agreement.spec.ts compares
 * them). Node reads only `d` of a private key (it checks that `x` is a string), so the private key's `x` is left
 * empty rather than computed. Keys of another shape, or a Node that refuses the import, go to the original.
 *
 * Baileys calls `Curve.sharedKey` through its exported object, so replacing that property reaches every caller.
 * Idempotent: the first call installs it.
 */
export function agreeKeysNatively(): void {
  if (original) return;
  const sharedKey: SharedKey = Curve.sharedKey;
  original = sharedKey;
  Curve.sharedKey = (privateKey, publicKey) => {
    const pub = publicKey.length === 33 && publicKey[0] === 5 ? publicKey.subarray(1) : publicKey;
    if (privateKey.length !== 32 || pub.length !== 32) return sharedKey(privateKey, publicKey);
    try {
      return diffieHellman({
        privateKey: createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: base64url(privateKey), x: '' }, format: 'jwk' }),
        publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: base64url(pub) }, format: 'jwk' }),
      });
    } catch {
      return sharedKey(privateKey, publicKey);
    }
  };
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
