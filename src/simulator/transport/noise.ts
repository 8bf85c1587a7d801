import { hkdfSync } from 'crypto';
import { type KeyPair, generateKeyPair } from '../crypto/keys';
import { Curve, NOISE_MODE, aesDecryptGCM, aesEncryptGCM, proto, sha256 } from '@whiskeysockets/baileys';

export type { KeyPair };

function iv(counter: number): Buffer {
  const buf = Buffer.alloc(12);
  buf.writeUInt32BE(counter, 8);
  return buf;
}

function hkdf64(ikm: Uint8Array, salt: Uint8Array): [Buffer, Buffer] {
  const out = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.alloc(0), 64));
  return [out.subarray(0, 32), out.subarray(32, 64)];
}

/**
 * A certificate chain Baileys accepts: it only decodes the intermediate's
 * details and checks issuerSerial == 0; signatures and keys are not verified.
 */
function certificateChain(serverStatic: Buffer): Uint8Array {
  const details = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial: 0,
    key: serverStatic,
    notBefore: 0,
    notAfter: 0xffffffff,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: serverStatic,
  }).finish();
  return proto.CertChain.encode({
    leaf: { details: leafDetails, signature: Buffer.alloc(64) },
    intermediate: { details, signature: Buffer.alloc(64) },
  }).finish();
}

/**
 * Server side of Noise_XX_25519_AESGCM_SHA256 as the WhatsApp web client
 * speaks it: the protocol name is exactly 32 bytes so it seeds h, ck and k
 * unhashed, and both directions share one counter until the split.
 */
export class NoiseServerHandshake {
  private hash: Buffer = Buffer.from(NOISE_MODE);
  private chainingKey: Buffer = Buffer.from(NOISE_MODE);
  private key: Buffer = Buffer.from(NOISE_MODE);
  private counter = 0;
  private readonly ephemeral: KeyPair = generateKeyPair();

  constructor(private readonly serverStatic: KeyPair) {}

  /** Answers ClientHello; returns the encoded HandshakeMessage{serverHello}. */
  respondToHello(introHeader: Buffer, hello: Buffer): Uint8Array {
    const message = proto.HandshakeMessage.decode(hello);
    const clientEphemeral = message.clientHello?.ephemeral;
    if (!clientEphemeral || clientEphemeral.length !== 32) {
      throw new Error('handshake: missing client ephemeral key');
    }
    this.mixHash(introHeader);
    this.mixHash(clientEphemeral);
    this.mixHash(this.ephemeral.public);
    this.mixKey(Curve.sharedKey(this.ephemeral.private, clientEphemeral));
    const staticEnc = this.encryptAndHash(this.serverStatic.public);
    this.mixKey(Curve.sharedKey(this.serverStatic.private, clientEphemeral));
    const payloadEnc = this.encryptAndHash(certificateChain(this.serverStatic.public));
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: staticEnc, payload: payloadEnc },
    }).finish();
  }

  /** Reads ClientFinish: the client's long-term noise key and its ClientPayload. */
  readFinish(finish: Buffer): { clientStatic: Buffer; payload: proto.ClientPayload } {
    const message = proto.HandshakeMessage.decode(finish);
    const staticEnc = message.clientFinish?.static;
    const payloadEnc = message.clientFinish?.payload;
    if (!staticEnc || !payloadEnc) {
      throw new Error('handshake: incomplete client finish');
    }
    const clientStatic = this.decryptAndHash(staticEnc);
    this.mixKey(Curve.sharedKey(this.ephemeral.private, clientStatic));
    const payload = proto.ClientPayload.decode(this.decryptAndHash(payloadEnc));
    return { clientStatic, payload };
  }

  split(): TransportCipher {
    const [clientToServer, serverToClient] = hkdf64(Buffer.alloc(0), this.chainingKey);
    return new TransportCipher(serverToClient, clientToServer);
  }

  private mixHash(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixKey(ikm: Uint8Array): void {
    const [ck, k] = hkdf64(ikm, this.chainingKey);
    this.chainingKey = ck;
    this.key = k;
    this.counter = 0;
  }

  private encryptAndHash(plaintext: Uint8Array): Buffer {
    const ciphertext = aesEncryptGCM(plaintext, this.key, iv(this.counter++), this.hash);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  private decryptAndHash(ciphertext: Uint8Array): Buffer {
    const plaintext = aesDecryptGCM(ciphertext, this.key, iv(this.counter++), this.hash);
    this.mixHash(ciphertext);
    return plaintext;
  }
}

/** Post-handshake frame encryption: one key and counter per direction. */
export class TransportCipher {
  private writeCounter = 0;
  private readCounter = 0;

  constructor(
    private readonly writeKey: Buffer,
    private readonly readKey: Buffer,
  ) {}

  encrypt(plaintext: Uint8Array): Buffer {
    return aesEncryptGCM(plaintext, this.writeKey, iv(this.writeCounter++), Buffer.alloc(0));
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    return aesDecryptGCM(ciphertext, this.readKey, iv(this.readCounter++), Buffer.alloc(0));
  }
}
