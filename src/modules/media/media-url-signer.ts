import { createHmac, timingSafeEqual } from 'node:crypto';

const MEDIA_ID = /^med_[0-9A-HJKMNP-TV-Z]{26}$/;
const TOKEN = /^(med_[0-9A-HJKMNP-TV-Z]{26})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export type TokenCheck = { ok: true; mediaId: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/**
 * Signs and checks the tokens of public media links: `<media id>.<expiry, unix seconds>.<HMAC-SHA256>`.
 * The token is the whole authorization of `GET /v1/media/{token}`, so the signature covers both the id
 * and the expiry, and is compared in constant time.
 */
export class MediaUrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key of its own, derived from the configured secret, in case the secret ever signs anything else.
    this.key = createHmac('sha256', secret).update('whatisup media url v1').digest();
  }

  sign(mediaId: string, expiresAt: Date): string {
    if (!MEDIA_ID.test(mediaId)) throw new Error(`not a media id: ${mediaId}`);
    const expiry = Math.floor(expiresAt.getTime() / 1000);
    return `${mediaId}.${expiry}.${this.mac(mediaId, expiry).toString('base64url')}`;
  }

  verify(token: string, now = new Date()): TokenCheck {
    const match = TOKEN.exec(token);
    if (!match) return { ok: false, reason: 'malformed' };
    const [, mediaId, expiryText, signature] = match;
    const expiry = Number(expiryText);
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(mediaId, expiry);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
    if (expiry * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, mediaId, expiresAt: new Date(expiry * 1000) };
  }

  private mac(mediaId: string, expiry: number): Buffer {
    return createHmac('sha256', this.key).update(`${mediaId}\n${expiry}`).digest();
  }
}
