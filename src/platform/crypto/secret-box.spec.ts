import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe(SecretBox.name, () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a value and never stores it in the clear', () => {
    const sealed = box.seal(Buffer.from('identity-key-material'), 'chan/creds/');
    expect(sealed.includes(Buffer.from('identity-key-material'))).toBe(false);
    expect(box.open(sealed, 'chan/creds/').toString()).toBe('identity-key-material');
  });

  it('round-trips text without associated data', () => {
    expect(box.open(box.seal('whsec_x')).toString('utf8')).toBe('whsec_x');
  });

  it('refuses a value moved to another channel or entry, and a tampered one', () => {
    const sealed = box.seal(Buffer.from('x'), 'a/session/1');
    expect(() => box.open(sealed, 'b/session/1')).toThrow();
    expect(() => box.open(sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => box.open(tampered, 'a/session/1')).toThrow();
  });

  it('refuses a value sealed with another key', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(box.seal(Buffer.from('x'), 'ad'), 'ad')).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow();
  });

  it('derives unrelated keys for two purposes of one secret', () => {
    const sealed = SecretBox.derivedFrom('master', 'one').seal('x');
    expect(() => SecretBox.derivedFrom('master', 'two').open(sealed)).toThrow();
    expect(SecretBox.derivedFrom('master', 'one').open(sealed).toString()).toBe('x');
  });

  // Values sealed by the implementations this box replaced, as stored rows hold them: they must keep opening.
  describe('stored values', () => {
    it('opens channel credentials sealed before (raw key, channel and entry as associated data)', () => {
      const stored = Buffer.from('33wSVlq7eCwkn2yyzL+lR74DhSyocQpHnpWJ3+xLDklnDxpKBoEA+hxkHOCyBpkjSMQ=', 'base64');
      const opened = new SecretBox(Buffer.alloc(32, 0x11)).open(stored, '7c0b8f5e-2d1a-4c3b-9e8f-0a1b2c3d4e5f/creds/');
      expect(opened.toString('utf8')).toBe('{"noiseKey":"fixture"}');
    });

    it('opens a webhook signing secret sealed before (key derived from WEBHOOK_SIGNING_SECRET, no associated data)', () => {
      const stored = new Uint8Array(Buffer.from('EAqzT9fGHGIkSSYSbLiIuunufZzI7pRmbQo5qpWHedLQju/IDxnJ0GTXf7mvxW6czzI=', 'base64'));
      const opened = SecretBox.derivedFrom('whsec_master_fixture', 'webhook-endpoint-secrets').open(stored);
      expect(opened.toString('utf8')).toBe('whsec_endpoint_fixture');
    });
  });
});
