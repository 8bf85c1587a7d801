import { createHmac, randomBytes } from 'node:crypto';
import { SecretBox } from '../../platform/crypto/secret-box';

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
 * The box that keeps endpoints' signing secrets encrypted at rest, keyed from WEBHOOK_SIGNING_SECRET (through
 * HKDF, so that configuration value is never used as a key directly).
 */
export function endpointSecretBox(webhookSigningSecret: string): SecretBox {
  return SecretBox.derivedFrom(webhookSigningSecret, 'webhook-endpoint-secrets');
}
