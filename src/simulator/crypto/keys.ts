import { Curve } from '@whiskeysockets/baileys';

/** An X25519 key pair as Buffers (Baileys types them as plain Uint8Arrays). */
export interface KeyPair {
  public: Buffer;
  private: Buffer;
}

export function generateKeyPair(): KeyPair {
  const pair = Curve.generateKeyPair();
  return { public: Buffer.from(pair.public), private: Buffer.from(pair.private) };
}
