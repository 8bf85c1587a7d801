import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const limitsSchema = z.object({
  plan: z.string(),
  rate_limit: z.object({
    limit: z.number().int().describe('Bucket size: the most requests that can be made in a burst.'),
    remaining: z.number().int().describe('Requests that can be made right now.'),
    reset_seconds: z.number().int().describe('Seconds until the bucket is full again.'),
    refill_per_second: z.number(),
  }),
  channel_limit: z.number().int(),
});
export class LimitsDto extends createZodDto(limitsSchema) {}
