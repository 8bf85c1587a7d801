import { randomBytes } from 'crypto';
import { generateKeyPair } from '../crypto/keys';
import { Curve, aesDecryptCTR, aesDecryptGCM, aesEncryptCTR, derivePairingCodeKey, hkdf } from '@whiskeysockets/baileys';

// Baileys re-exports hkdf from whatsapp-rust-bridge, whose types only that package's `exports` map names, which
// the `node` module resolution of this project does not read: this is the signature it declares there.
const deriveKey = hkdf as (buffer: Uint8Array, expandedLength: number, info: { salt?: Uint8Array; info?: string }) => Uint8Array;

/** What the companion sent in companion_hello, waiting for someone to type the code on the phone. */
export interface PairCodeRequest {
  phone: string;
  ref: Buffer;
  wrappedCompanionEphemeral: Buffer;
  noiseKey: Buffer;
}

/** The phone's half of a code pairing in progress. */
export interface PrimaryHello {
  ephemeral: { public: Buffer; private: Buffer };
  companionEphemeral: Buffer;
  wrappedPrimaryEphemeral: Buffer;
}

/**
 * The phone recovers the companion's ephemeral key with the typed code and
 * wraps its own ephemeral key the same way (PBKDF2 of the code, AES-CTR).
 * A wrong code yields a wrong key here; it only shows when the companion's
 * key bundle fails to decrypt.
 */
export async function primaryHello(code: string, wrapped: Buffer): Promise<PrimaryHello> {
  const key = await derivePairingCodeKey(code, wrapped.subarray(0, 32));
  const companionEphemeral = aesDecryptCTR(wrapped.subarray(48, 80), key, wrapped.subarray(32, 48));
  const ephemeral = generateKeyPair();
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const ownKey = await derivePairingCodeKey(code, salt);
  const wrappedPrimaryEphemeral = Buffer.concat([salt, iv, aesEncryptCTR(ephemeral.public, ownKey, iv)]);
  return { ephemeral, companionEphemeral, wrappedPrimaryEphemeral };
}

/** Opens the companion_finish key bundle and derives the adv secret both sides now share. */
export async function primaryFinish(opts: {
  hello: PrimaryHello;
  bundle: Buffer;
  companionIdentity: Buffer;
  primaryIdentity: { public: Buffer; private: Buffer };
}): Promise<Buffer> {
  const sharedEphemeral = Curve.sharedKey(opts.hello.ephemeral.private, opts.hello.companionEphemeral);
  const bundleKey = deriveKey(sharedEphemeral, 32, {
    salt: opts.bundle.subarray(0, 32),
    info: 'link_code_pairing_key_bundle_encryption_key',
  });
  const plain = aesDecryptGCM(opts.bundle.subarray(44), bundleKey, opts.bundle.subarray(32, 44), Buffer.alloc(0));
  if (!plain.subarray(0, 32).equals(opts.companionIdentity) || !plain.subarray(32, 64).equals(opts.primaryIdentity.public)) {
    throw new Error('pair code bundle does not match the companion');
  }
  const random = plain.subarray(64, 96);
  const sharedIdentity = Curve.sharedKey(opts.primaryIdentity.private, opts.companionIdentity);
  return Buffer.from(deriveKey(Buffer.concat([sharedEphemeral, sharedIdentity, random]), 32, { info: 'adv_secret' }));
}
