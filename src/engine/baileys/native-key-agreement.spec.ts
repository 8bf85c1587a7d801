import { randomBytes } from 'node:crypto';
import { Curve } from '@whiskeysockets/baileys';
import { agreeKeysNatively } from './native-key-agreement';

describe('agreeKeysNatively', () => {
  const sharedKey = Curve.sharedKey;
  let fallbacks = 0;

  beforeAll(() => {
    // under the fast path: Baileys' own agreement, counted
    Curve.sharedKey = (privateKey: Uint8Array, publicKey: Uint8Array) => {
      fallbacks++;
      return sharedKey(privateKey, publicKey);
    };
    agreeKeysNatively();
    agreeKeysNatively();
  });

  afterAll(() => {
    Curve.sharedKey = sharedKey;
  });

  it('agrees the same key as Baileys’ curve library, both ways, with a bare or a type-prefixed public key', () => {
    for (let i = 0; i < 50; i++) {
      const alice = Curve.generateKeyPair();
      const bob = Curve.generateKeyPair();
      const expected = sharedKey(alice.private, bob.public);
      fallbacks = 0;
      expect(Curve.sharedKey(alice.private, bob.public)).toEqual(expected);
      expect(Curve.sharedKey(bob.private, alice.public)).toEqual(expected);
      expect(Curve.sharedKey(alice.private, Buffer.concat([Buffer.from([5]), bob.public]))).toEqual(expected);
      expect(fallbacks).toBe(0);
    }
  });

  it('agrees the same key for any 32 bytes as a private key (the curve clamps them alike)', () => {
    const peer = Curve.generateKeyPair();
    for (let i = 0; i < 20; i++) {
      const raw = randomBytes(32);
      expect(Curve.sharedKey(raw, peer.public)).toEqual(sharedKey(raw, peer.public));
    }
  });

  it('leaves keys of another shape to Baileys, which refuses them as before', () => {
    const peer = Curve.generateKeyPair();
    fallbacks = 0;
    expect(() => Curve.sharedKey(randomBytes(31), peer.public)).toThrow();
    expect(() => Curve.sharedKey(Curve.generateKeyPair().private, randomBytes(30))).toThrow();
    expect(fallbacks).toBe(2);
  });
});
