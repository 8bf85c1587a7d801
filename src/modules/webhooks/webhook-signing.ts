import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Signing secrets and signatures. The scheme is Stripe's, so its verifiers (and their documentation) work
 * as they are: `X-WhatIsUp-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, the HMAC
 * keyed with the whole secret string (`whsec_…`). During a rotation window one `v1=` entry per live secret.
 */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export function signatureHeader(timestampSeconds: number, body: string, secrets: readonly string[]): string {
  const signed = `${timestampSeconds}.${body}`;
  const entries = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(signed, 'utf8').digest('hex')}`);
  return [`t=${timestampSeconds}`, ...entries].join(',');
}

/**
 * Encrypts signing secrets at rest with AES-256-GCM (iv 12 | tag 16 | ciphertext). The key is derived from
 * WEBHOOK_SIGNING_SECRET with HKDF, so that configuration value is never used as a key directly.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', masterSecret, 'whatisup', 'webhook-endpoint-secrets', 32));
  }

  seal(plain: string): Uint8Array<ArrayBuffer> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
  }

  open(sealed: Uint8Array): string {
    const data = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  }
}
