import { MediaUrlSigner } from './media-url-signer';

describe(MediaUrlSigner.name, () => {
  const signer = new MediaUrlSigner('a-media-signing-secret-of-some-length');
  const id = 'med_01K00000000000000000000000';
  const now = new Date('2026-05-23T14:00:00Z');
  const later = new Date(now.getTime() + 900_000);

  it('verifies its own token until the expiry, then reports it expired', () => {
    const token = signer.sign(id, later);
    expect(signer.verify(token, now)).toEqual({ ok: true, mediaId: id, expiresAt: later });
    expect(signer.verify(token, new Date(later.getTime() - 1))).toMatchObject({ ok: true });
    expect(signer.verify(token, later)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token whose id, expiry or signature was changed', () => {
    const token = signer.sign(id, later);
    const [mediaId, expiry, signature] = token.split('.');
    const otherId = `${mediaId.slice(0, -1)}1`;
    expect(signer.verify(`${otherId}.${expiry}.${signature}`, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(signer.verify(`${mediaId}.${Number(expiry) + 3600}.${signature}`, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(signer.verify(`${mediaId}.${expiry}.${flipped}`, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a token signed with another secret', () => {
    const other = new MediaUrlSigner('another-media-signing-secret-entirely');
    expect(signer.verify(other.sign(id, later), now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each(['', 'nonsense', `${id}.123`, `${id}.abc.${'A'.repeat(43)}`, `med_short.123.${'A'.repeat(43)}`, `${id}.123.${'A'.repeat(42)}`])(
    'reports %p as malformed',
    (token) => {
      expect(signer.verify(token, now)).toEqual({ ok: false, reason: 'malformed' });
    },
  );

  it('only signs media ids', () => {
    expect(() => signer.sign('../etc/passwd', later)).toThrow();
  });
});
