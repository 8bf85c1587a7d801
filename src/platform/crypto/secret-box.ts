import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = 'whatisup';

/**
 * Secrets at rest: AES-256-GCM with a random IV per value, stored as iv (12) | tag (16) | ciphertext. This
 * layout is what the stored rows hold (channel credentials, webhook signing secrets): never change it.
 *
 * Associated data, when given, is authenticated but not stored: a value sealed for one owner (a channel id and
 * entry name) does not open for another, so a row copied elsewhere is refused. Sealing without associated
 * data is the same as sealing with an empty one.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`SecretBox needs a ${KEY_BYTES}-byte key`);
  }

  /**
   * A box keyed from a configuration secret through HKDF-SHA256, one key per purpose, so the configured value
   * is never a key itself and one secret can serve several purposes without their keys being related.
   */
  static derivedFrom(secret: string | Buffer, purpose: string): SecretBox {
    return new SecretBox(Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, purpose, KEY_BYTES)));
  }

  seal(plaintext: Buffer | string, associatedData?: string): Buffer<ArrayBuffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData));
    const ciphertext = Buffer.concat([
      cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext),
      cipher.final(),
    ]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
  }

  /** The plaintext, or a throw when the value was tampered with, sealed with another key or for other associated data. */
  open(sealed: Uint8Array, associatedData?: string): Buffer {
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, IV_BYTES));
    if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}
