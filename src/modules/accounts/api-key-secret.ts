import { createHash, randomInt } from 'node:crypto';
import { KeyMode } from '../auth/principal';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_LENGTH = 32; // ~190 bits of entropy
const VISIBLE_CHARS = 6;

export interface MintedApiKey {
  key: string;
  prefix: string;
  secretHash: string;
}

/** Base62 so a double-click selects the whole key; uniform by construction (randomInt rejects bias). */
export function mintApiKey(mode: KeyMode): MintedApiKey {
  let secret = '';
  for (let i = 0; i < SECRET_LENGTH; i++) secret += ALPHABET[randomInt(ALPHABET.length)];
  const key = `zpk_${mode}_${secret}`;
  return { key, prefix: key.slice(0, `zpk_${mode}_`.length + VISIBLE_CHARS), secretHash: hashApiKey(key) };
}

/** Keys carry ~190 random bits, so a fast unsalted hash is enough and allows an indexed lookup. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
