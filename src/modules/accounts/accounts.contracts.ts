import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import type { ApiKeyRow, CustomerRow, PlanRow } from './accounts.repository';

const timestamp = z.iso.datetime({ offset: true });

export const planSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    channel_limit: z.number().int(),
    rate_limit: z.object({ burst: z.number().int(), per_second: z.number() }),
    media_max_bytes: z.number().int().nullable().describe('Largest media file; null: the gateway-wide limit.'),
  })
  .meta({ id: 'Plan' });

export const customerSchema = z
  .object({ id: z.string(), name: z.string(), plan: z.string(), created_at: timestamp })
  .meta({ id: 'Customer' });

export const apiKeySchema = z
  .object({
    id: z.string(),
    customer_id: z.string(),
    mode: z.enum(['live', 'test']),
    prefix: z.string().describe('The first characters of the key, to tell keys apart. Not a credential.'),
    name: z.string().nullable(),
    channel_id: z.string().nullable().describe('When set, the key works only on this channel.'),
    status: z.enum(['active', 'revoked', 'expired']),
    expires_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
    last_used_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().describe('The full secret. Shown once: store it now, it cannot be retrieved again.') })
  .meta({ id: 'CreatedApiKey' });

export class PlanDto extends createZodDto(topLevel(planSchema)) {}
export class PlanListDto extends createZodDto(z.object({ data: z.array(planSchema) })) {}
export class CustomerDto extends createZodDto(topLevel(customerSchema)) {}
export class CustomerPageDto extends createZodDto(pageSchema(customerSchema)) {}
export class ApiKeyDto extends createZodDto(topLevel(apiKeySchema)) {}
export class CreatedApiKeyDto extends createZodDto(topLevel(createdApiKeySchema)) {}
export class ApiKeyPageDto extends createZodDto(pageSchema(apiKeySchema)) {}

export const createCustomerSchema = z.object({
  name: z.string().trim().min(1).max(200),
  plan: z.string().min(1).max(64).optional().describe('Plan id; the default plan when omitted.'),
});
export class CreateCustomerDto extends createZodDto(createCustomerSchema) {}

export const updateCustomerSchema = z
  .object({ name: z.string().trim().min(1).max(200).optional(), plan: z.string().min(1).max(64).optional() })
  .refine((v) => v.name !== undefined || v.plan !== undefined, { message: 'Give name or plan.' });
export class UpdateCustomerDto extends createZodDto(updateCustomerSchema) {}

export const createApiKeySchema = z.object({
  customer_id: z.string().min(1),
  mode: z.enum(['live', 'test']),
  name: z.string().trim().min(1).max(100).optional(),
  channel_id: z.string().min(1).max(64).optional().describe('Scope the key to this one channel.'),
  expires_at: timestamp.optional().refine((v) => v === undefined || Date.parse(v) > Date.now(), { message: 'must be in the future' }),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;
export class CreateApiKeyDto extends createZodDto(createApiKeySchema) {}

/**
 * A key creating a key (`POST /v1/api-keys`): for its own customer, in its own mode, never outliving it.
 * The mode defaults to the caller's; another one is refused (`key_scope_exceeded`).
 */
export const createOwnApiKeySchema = z
  .object({
    mode: z.enum(['live', 'test']).optional().describe("The new key's mode: the calling key's own (the default); another is refused."),
    name: z.string().trim().min(1).max(100).optional(),
    channel_id: z.string().min(1).max(64).optional().describe('Scope the key to this one channel.'),
    expires_at: timestamp
      .optional()
      .refine((v) => v === undefined || Date.parse(v) > Date.now(), { message: 'must be in the future' })
      .describe('When the key stops working; required, and no later than its own, when the calling key expires.'),
  })
  // Strict: a `customer_id` (as on the operator's route) must be refused, not ignored; the key's customer is the caller's.
  .strict();
export type CreateOwnApiKeyInput = z.infer<typeof createOwnApiKeySchema>;
export class CreateOwnApiKeyDto extends createZodDto(createOwnApiKeySchema) {}

export const listApiKeysQuerySchema = pageQuerySchema.extend({ customer_id: z.string().min(1).optional() });
export class ListApiKeysQueryDto extends createZodDto(listApiKeysQuerySchema) {}
export class PageQueryDto extends createZodDto(pageQuerySchema) {}

/** The largest value of a PostgreSQL `integer` column (channel_limit, rate_limit_burst, media_max_bytes). */
const INT4_MAX = 2_147_483_647;

/**
 * The refill rates the token bucket handles: its Lua script keeps a key for burst / rate seconds and counts
 * Retry-After in whole seconds, so a vanishing rate (1e-300) overflows Redis' expiry and a huge one means
 * nothing. One request per 1000 s up to a million per second.
 */
export const PER_SECOND_MIN = 0.001;
export const PER_SECOND_MAX = 1_000_000;

export const upsertPlanSchema = z.object({
  name: z.string().trim().min(1).max(100),
  channel_limit: z.number().int().min(0).max(INT4_MAX),
  rate_limit: z.object({
    burst: z.number().int().min(1).max(INT4_MAX),
    per_second: z
      .number()
      .min(PER_SECOND_MIN)
      .max(PER_SECOND_MAX)
      .describe(`Refill rate, ${PER_SECOND_MIN} to ${PER_SECOND_MAX} requests per second.`),
  }),
  media_max_bytes: z.number().int().min(1).max(INT4_MAX).nullable().optional(),
});
export class UpsertPlanDto extends createZodDto(upsertPlanSchema) {}

export function toPlan(row: PlanRow): z.infer<typeof planSchema> {
  return {
    id: row.id,
    name: row.name,
    channel_limit: row.channelLimit,
    rate_limit: { burst: row.rateLimitBurst, per_second: row.rateLimitPerSecond },
    media_max_bytes: row.mediaMaxBytes,
  };
}

export function toCustomer(row: CustomerRow): z.infer<typeof customerSchema> {
  return { id: row.id, name: row.name, plan: row.planId, created_at: row.createdAt.toISOString() };
}

export function toApiKey(row: ApiKeyRow, now = new Date()): z.infer<typeof apiKeySchema> {
  const status = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt <= now ? 'expired' : 'active';
  return {
    id: row.id,
    customer_id: row.customerId,
    mode: row.mode,
    prefix: row.prefix,
    name: row.name,
    channel_id: row.channelId,
    status,
    expires_at: row.expiresAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
