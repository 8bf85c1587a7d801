import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ERROR_CODES } from './error-codes';

export const errorBodySchema = z.object({
  code: z.enum(ERROR_CODES).describe('Stable, machine-readable code. Match on this, never on `message`.'),
  message: z.string().describe('Human-readable explanation; may change between releases.'),
  details: z.unknown().optional().describe('Structured context: validation issues, current state, limits.'),
});

export const errorEnvelopeSchema = z
  .object({
    error: errorBodySchema,
    request_id: z.string().describe('Also sent as the X-Request-Id response header.'),
  })
  .describe('The body of every 4xx and 5xx response.');

export type ErrorEnvelopeBody = z.infer<typeof errorEnvelopeSchema>;

/** Named for the OpenAPI document: every error response of every route references this one schema. */
export class ErrorEnvelope extends createZodDto(errorEnvelopeSchema) {}
