import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const indicator = z.record(z.string(), z.object({ status: z.enum(['up', 'down']) }).catchall(z.unknown()));

export const readinessSchema = z.object({
  status: z.enum(['ok', 'error', 'shutting_down']),
  info: indicator.optional(),
  error: indicator.optional(),
  details: indicator,
});
export type ReadinessBody = z.infer<typeof readinessSchema>;
export class ReadinessDto extends createZodDto(readinessSchema) {}

export class LivenessDto extends createZodDto(z.object({ status: z.literal('ok'), uptime_seconds: z.number() })) {}
