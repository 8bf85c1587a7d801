/**
 * Values the example payloads of several modules share (`<module>.events.ts`), so the examples in
 * docs/webhooks.md and the OpenAPI `webhooks` section tell one story: one channel, one contact, one afternoon.
 */
export const EXAMPLE_CHANNEL_ID = '0196f3c2-7a5e-7b1c-9a57-3f0e2d1c4b5a';
export const EXAMPLE_CONTACT_JID = '15551234567@s.whatsapp.net';
export const EXAMPLE_AT = '2026-05-23T14:00:00.000Z';
