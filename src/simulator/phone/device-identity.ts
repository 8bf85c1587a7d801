import { randomInt } from 'crypto';
import { Curve, hmacSign, proto } from '@whiskeysockets/baileys';

const ACCOUNT_SIGNATURE_PREFIX = Buffer.from([6, 0]);
const DEVICE_SIGNATURE_PREFIX = Buffer.from([6, 1]);

export interface SignedIdentity {
  /** bytes(ADVSignedDeviceIdentityHMAC), the content of pair-success/device-identity. */
  container: Buffer;
  details: Buffer;
}

/**
 * The primary phone vouches for a new companion: it signs the companion's
 * identity key with its own identity key and seals the result with the adv
 * secret the companion showed in its QR code (or derived from the pair code).
 */
export function signCompanion(opts: {
  accountKey: { public: Buffer; private: Buffer };
  companionIdentity: Buffer;
  keyIndex: number;
  advSecret: Buffer;
}): SignedIdentity {
  const details = Buffer.from(
    proto.ADVDeviceIdentity.encode({
      rawId: randomInt(1, 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: opts.keyIndex,
    }).finish(),
  );
  const accountSignature = Curve.sign(opts.accountKey.private, Buffer.concat([ACCOUNT_SIGNATURE_PREFIX, details, opts.companionIdentity]));
  const signed = Buffer.from(
    proto.ADVSignedDeviceIdentity.encode({
      details,
      accountSignatureKey: opts.accountKey.public,
      accountSignature,
    }).finish(),
  );
  const container = Buffer.from(
    proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac: hmacSign(signed, opts.advSecret) }).finish(),
  );
  return { container, details };
}

/** Checks the companion's counter-signature from its pair-device-sign reply. */
export function verifyCompanionSignature(opts: {
  reply: Uint8Array;
  accountKey: Buffer;
  companionIdentity: Buffer;
  expectedDetails: Buffer;
}): boolean {
  const signed = proto.ADVSignedDeviceIdentity.decode(opts.reply);
  if (!signed.details || !signed.deviceSignature) {
    return false;
  }
  if (!Buffer.from(signed.details).equals(opts.expectedDetails)) {
    return false;
  }
  const message = Buffer.concat([DEVICE_SIGNATURE_PREFIX, signed.details, opts.companionIdentity, opts.accountKey]);
  return Curve.verify(opts.companionIdentity, message, signed.deviceSignature);
}
