import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { createRequire } from 'node:module';
import { Curve } from '@whiskeysockets/baileys';

type SharedKey = typeof Curve.sharedKey;
type SignalCurve = typeof import('libsignal/src/curve');
type CalculateAgreement = SignalCurve['calculateAgreement'];

/**
 * libsignal's curve module itself, as its sessions require it: replacing a property of this object reaches
 * them. (An `import * as` would give a copy of its exports, and Baileys, an ES module, holds its own bindings.)
 */
const signalCurve = createRequire(__filename)('libsignal/src/curve') as SignalCurve;

let originals: { sharedKey: SharedKey; calculateAgreement: CalculateAgreement } | undefined;

/**
 * Has the X25519 key agreements of Baileys and of libsignal import their keys the fast way.
 *
 * Both compute them with Node's own X25519, but import each raw key by wrapping it in DER (PKCS #8, SPKI), which
 * OpenSSL 3 decodes slowly. Every connection's Noise handshake agrees three keys (Baileys' `Curve.sharedKey`): a
 * worker reconnecting 1,000 channels spent 7 % of its CPU there. Every Signal session a message opens agrees four
 * more, and every step of its ratchet one (libsignal's `calculateAgreement`): the inbound benchmark spent 6 % of
 * its samples importing those keys. Imported as JWKs, the same keys go to OpenSSL directly, about five times
 * faster, and the agreement is the same computation (native-key-agreement.spec.ts compares them). Node reads
 * only `d` of a private key (it checks that `x` is a string), so the private key's `x` is left empty rather than
 * computed. Keys of another shape, or a Node that refuses the import, go to the original, which refuses them or
 * warns as before.
 *
 * Baileys calls `Curve.sharedKey` through its exported object, and libsignal `calculateAgreement` through its
 * curve module's: replacing those properties reaches every caller. Idempotent: the first call installs it.
 */
export function agreeKeysNatively(): void {
  if (originals) return;
  const { sharedKey } = Curve;
  const { calculateAgreement } = signalCurve;
  originals = { sharedKey, calculateAgreement };
  Curve.sharedKey = (privateKey, publicKey) => {
    const pub = publicKey.length === 33 && publicKey[0] === 5 ? publicKey.subarray(1) : publicKey;
    if (privateKey.length !== 32 || pub.length !== 32) return sharedKey(privateKey, publicKey);
    return agree(privateKey, pub) ?? sharedKey(privateKey, publicKey);
  };
  // libsignal's own checks: Buffers, a private key of 32 bytes, a public key of 33 with its type byte.
  signalCurve.calculateAgreement = (publicKey, privateKey) => {
    const wellFormed =
      Buffer.isBuffer(publicKey) &&
      Buffer.isBuffer(privateKey) &&
      privateKey.length === 32 &&
      publicKey.length === 33 &&
      publicKey[0] === 5;
    return (wellFormed && agree(privateKey, publicKey.subarray(1))) || calculateAgreement(publicKey, privateKey);
  };
}

/** The X25519 agreement of a raw 32-byte private and public key, or undefined if Node refuses the import. */
function agree(privateKey: Uint8Array, publicKey: Uint8Array): ReturnType<typeof diffieHellman> | undefined {
  try {
    return diffieHellman({
      privateKey: createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: base64url(privateKey), x: '' }, format: 'jwk' }),
      publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: base64url(publicKey) }, format: 'jwk' }),
    });
  } catch {
    return undefined;
  }
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
