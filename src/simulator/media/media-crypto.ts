import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'crypto';
import { MEDIA_HKDF_KEY_MAPPING } from '@whiskeysockets/baileys';

export type MediaKeyType = keyof typeof MEDIA_HKDF_KEY_MAPPING;

const MAC_LENGTH = 10;

function expand(mediaKey: Buffer, type: MediaKeyType): { iv: Buffer; cipherKey: Buffer; macKey: Buffer } {
  const info = `WhatsApp ${MEDIA_HKDF_KEY_MAPPING[type]} Keys`;
  const expanded = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), info, 112));
  return { iv: expanded.subarray(0, 16), cipherKey: expanded.subarray(16, 48), macKey: expanded.subarray(48, 80) };
}

export interface EncryptedMedia {
  blob: Buffer;
  mediaKey: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
  fileLength: number;
}

/** WhatsApp media encryption: AES-256-CBC, then the first 10 bytes of an HMAC over iv ‖ ciphertext. */
export function encryptMedia(data: Buffer, type: MediaKeyType): EncryptedMedia {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = expand(mediaKey, type);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const encrypted = Buffer.concat([cipher.update(data), cipher.final()]);
  const mac = createHmac('sha256', macKey).update(iv).update(encrypted).digest().subarray(0, MAC_LENGTH);
  const blob = Buffer.concat([encrypted, mac]);
  return {
    blob,
    mediaKey,
    fileSha256: createHash('sha256').update(data).digest(),
    fileEncSha256: createHash('sha256').update(blob).digest(),
    fileLength: data.length,
  };
}

/** Verifies the mac (which Baileys itself skips) and decrypts. */
export function decryptMedia(blob: Buffer, mediaKey: Uint8Array, type: MediaKeyType): Buffer {
  const { iv, cipherKey, macKey } = expand(Buffer.from(mediaKey), type);
  const encrypted = blob.subarray(0, blob.length - MAC_LENGTH);
  const mac = createHmac('sha256', macKey).update(iv).update(encrypted).digest().subarray(0, MAC_LENGTH);
  if (!mac.equals(blob.subarray(blob.length - MAC_LENGTH))) {
    throw new Error('media mac mismatch');
  }
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]);
}
