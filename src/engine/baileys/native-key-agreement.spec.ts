import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Curve } from '@whiskeysockets/baileys';
import { ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord, SignalStorage } from 'libsignal';
import { agreeKeysNatively } from './native-key-agreement';

interface KeyPair {
  pubKey: Buffer;
  privKey: Buffer;
}

const load = createRequire(__filename);
/** libsignal's curve module as its sessions require it (see native-key-agreement.ts). */
const signalCurve = load('libsignal/src/curve') as typeof import('libsignal/src/curve');
/** libsignal's key generation (its typings leave it out). */
const keyhelper = load('libsignal/src/keyhelper') as {
  generateIdentityKeyPair(): KeyPair;
  generateRegistrationId(): number;
  generateSignedPreKey(identity: KeyPair, keyId: number): { keyPair: KeyPair; signature: Buffer };
  generatePreKey(keyId: number): { keyPair: KeyPair };
};

describe('agreeKeysNatively', () => {
  const sharedKey = Curve.sharedKey;
  const calculateAgreement = signalCurve.calculateAgreement;
  let fallbacks = 0;
  /** Agreements libsignal asked for, through whatever is installed. */
  let signalAgreements = 0;

  beforeAll(() => {
    // under the fast path: Baileys' and libsignal's own agreements, counted
    Curve.sharedKey = (privateKey: Uint8Array, publicKey: Uint8Array) => {
      fallbacks++;
      return sharedKey(privateKey, publicKey);
    };
    signalCurve.calculateAgreement = (publicKey: Uint8Array, privateKey: Uint8Array) => {
      fallbacks++;
      return calculateAgreement(publicKey, privateKey);
    };
    agreeKeysNatively();
    agreeKeysNatively();
    const installed = signalCurve.calculateAgreement;
    signalCurve.calculateAgreement = (publicKey: Uint8Array, privateKey: Uint8Array) => {
      signalAgreements++;
      return installed(publicKey, privateKey);
    };
  });

  afterAll(() => {
    Curve.sharedKey = sharedKey;
    signalCurve.calculateAgreement = calculateAgreement;
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

  it('agrees the same key as libsignal’s curve, both ways, and leaves keys of another shape to it', () => {
    for (let i = 0; i < 50; i++) {
      const alice = keyhelper.generateIdentityKeyPair();
      const bob = keyhelper.generateIdentityKeyPair();
      const expected = calculateAgreement(bob.pubKey, alice.privKey);
      fallbacks = 0;
      expect(signalCurve.calculateAgreement(bob.pubKey, alice.privKey)).toEqual(expected);
      expect(signalCurve.calculateAgreement(alice.pubKey, bob.privKey)).toEqual(expected);
      expect(fallbacks).toBe(0);
    }
    const peer = keyhelper.generateIdentityKeyPair();
    fallbacks = 0;
    expect(() => signalCurve.calculateAgreement(peer.pubKey, randomBytes(31))).toThrow('Incorrect private key length');
    expect(() => signalCurve.calculateAgreement(Buffer.concat([Buffer.from([7]), randomBytes(32)]), peer.privKey)).toThrow(
      'Invalid public key',
    );
    expect(() => signalCurve.calculateAgreement(new Uint8Array(33), peer.privKey)).toThrow('Invalid public key type');
    expect(fallbacks).toBe(3);
  });

  it('carries libsignal’s sessions: a first message and the replies that step the ratchet decrypt, through the fast path', async () => {
    const alice = signalParty();
    const bob = signalParty();
    const bobAddress = new ProtocolAddress('bob', 1);
    const aliceAddress = new ProtocolAddress('alice', 1);
    const preKey = keyhelper.generatePreKey(7);
    const signedPreKey = keyhelper.generateSignedPreKey(bob.identity, 3);
    bob.preKeys.set(7, preKey.keyPair);
    bob.signedPreKey = signedPreKey.keyPair;
    fallbacks = 0;
    signalAgreements = 0;
    await new SessionBuilder(alice.storage, bobAddress).initOutgoing({
      registrationId: bob.registrationId,
      identityKey: bob.identity.pubKey,
      signedPreKey: { keyId: 3, publicKey: signedPreKey.keyPair.pubKey, signature: signedPreKey.signature },
      preKey: { keyId: 7, publicKey: preKey.keyPair.pubKey },
    });
    const toBob = new SessionCipher(alice.storage, bobAddress);
    const toAlice = new SessionCipher(bob.storage, aliceAddress);
    const first = await toBob.encrypt(Buffer.from('hello'));
    expect(first.type).toBe(3);
    expect((await toAlice.decryptPreKeyWhisperMessage(Buffer.from(first.body, 'binary'))).toString()).toBe('hello');
    for (let i = 0; i < 3; i++) {
      const reply = await toAlice.encrypt(Buffer.from(`reply ${i}`));
      expect((await toBob.decryptWhisperMessage(Buffer.from(reply.body, 'binary'))).toString()).toBe(`reply ${i}`);
      const answer = await toBob.encrypt(Buffer.from(`answer ${i}`));
      expect((await toAlice.decryptWhisperMessage(Buffer.from(answer.body, 'binary'))).toString()).toBe(`answer ${i}`);
    }
    expect(signalAgreements).toBeGreaterThanOrEqual(8);
    expect(fallbacks).toBe(0);
  });
});

/** One side of a libsignal conversation, its keys and sessions in memory. */
function signalParty() {
  const identity = keyhelper.generateIdentityKeyPair();
  const registrationId = keyhelper.generateRegistrationId();
  const sessions = new Map<string, SessionRecord>();
  const preKeys = new Map<number, KeyPair>();
  const party = { identity, registrationId, preKeys, signedPreKey: undefined as KeyPair | undefined };
  const storage: SignalStorage = {
    loadSession: async (id) => sessions.get(id),
    storeSession: async (id, session) => void sessions.set(id, session),
    isTrustedIdentity: () => true,
    loadPreKey: async (id) => preKeys.get(Number(id)),
    removePreKey: (id) => void preKeys.delete(id),
    loadSignedPreKey: () => party.signedPreKey!,
    getOurRegistrationId: () => registrationId,
    getOurIdentity: () => identity,
  };
  return Object.assign(party, { storage });
}
