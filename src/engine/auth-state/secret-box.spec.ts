import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe(SecretBox.name, () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a value and never stores it in the clear', () => {
    const sealed = box.seal(Buffer.from('identity-key-material'), 'chan/creds/');
    expect(sealed.includes(Buffer.from('identity-key-material'))).toBe(false);
    expect(box.open(sealed, 'chan/creds/').toString()).toBe('identity-key-material');
  });

  it('refuses a value moved to another channel or entry, and a tampered one', () => {
    const sealed = box.seal(Buffer.from('x'), 'a/session/1');
    expect(() => box.open(sealed, 'b/session/1')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => box.open(tampered, 'a/session/1')).toThrow();
  });

  it('refuses a value sealed with another key', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(box.seal(Buffer.from('x'), 'ad'), 'ad')).toThrow();
  });
});
