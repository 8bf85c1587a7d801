import { randomBytes } from 'node:crypto';
import { Curve, generateSignalPubKey } from '@whiskeysockets/baileys';
import { verifySignature } from 'libsignal/src/curve';
import { REMEMBERED_SIGNATURES, rememberValidSignatures } from './remembered-signatures';

function signed(message = randomBytes(120)) {
  const keys = Curve.generateKeyPair();
  return { key: keys.public, message, signature: Buffer.from(Curve.sign(keys.private, message)) };
}

function forge(signature: Buffer): Buffer {
  const forged = Buffer.from(signature);
  forged[5] ^= 1;
  return forged;
}

describe('Baileys 7.0.0-rc14 Curve.verify', () => {
  // Canary: it drops the curve library's answer and accepts any well-formed signature, so the server's
  // certificate chain is not in fact checked (docs/architecture.md). When this fails, Baileys checks them.
  it('accepts a forged signature', () => {
    const { key, message, signature } = signed();
    expect(Curve.verify(key, message, forge(signature))).toBe(true);
  });
});

describe('rememberValidSignatures', () => {
  const verify = Curve.verify;
  let checks = 0;

  beforeAll(() => {
    // under the remembering layer: a check that counts its calls and answers what the curve library does
    Curve.verify = (key: Uint8Array, message: Uint8Array, signature: Uint8Array) => {
      checks++;
      try {
        return verifySignature(generateSignalPubKey(key), message, signature);
      } catch {
        return false;
      }
    };
    rememberValidSignatures();
    rememberValidSignatures();
  });

  afterAll(() => {
    Curve.verify = verify;
  });

  it('answers a valid signature seen before without checking it again, and checks every refused one', () => {
    const { key, message, signature } = signed();
    checks = 0;
    expect(Curve.verify(key, message, signature)).toBe(true);
    expect(Curve.verify(key, message, signature)).toBe(true);
    expect(checks).toBe(1);

    expect(Curve.verify(key, message, forge(signature))).toBe(false);
    expect(Curve.verify(key, Buffer.concat([message, Buffer.from([0])]), signature)).toBe(false);
    expect(Curve.verify(Curve.generateKeyPair().public, message, signature)).toBe(false);
    expect(Curve.verify(key, message, forge(signature))).toBe(false);
    expect(checks).toBe(5);
  });

  it('tells apart triples whose bytes run together', () => {
    const { key, message, signature } = signed();
    const prefixed = generateSignalPubKey(key); // 33 bytes: the type byte, then the key
    expect(Curve.verify(prefixed, message, signature)).toBe(true);
    // the same bytes in a row, the key's last byte moved to the front of the message: another key, another message
    const shorter = prefixed.subarray(0, 32);
    const longer = Buffer.concat([prefixed.subarray(32), message]);
    checks = 0;
    expect(Curve.verify(shorter, longer, signature)).toBe(false);
    expect(checks).toBe(1);
  });

  it(`keeps only the latest ${REMEMBERED_SIGNATURES} valid signatures`, () => {
    const first = signed();
    expect(Curve.verify(first.key, first.message, first.signature)).toBe(true);
    for (let i = 0; i < REMEMBERED_SIGNATURES; i++) {
      const other = signed();
      expect(Curve.verify(other.key, other.message, other.signature)).toBe(true);
    }
    checks = 0;
    expect(Curve.verify(first.key, first.message, first.signature)).toBe(true);
    expect(checks).toBe(1);
  });
});
