import { createZodValidationPipe } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { AppError } from '../errors/app-error';

/** Zod validation of bodies, queries and params; failures are invalid_request with the issues in details. */
export const AppValidationPipe = createZodValidationPipe({
  createValidationException: (error: unknown) => {
    const issues = (error as ZodError).issues.map((issue) => ({
      path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
      code: issue.code,
      message: issue.message,
    }));
    const first = issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : 'request';
    return new AppError('invalid_request', `Invalid ${where}: ${first?.message ?? 'validation failed'}.`, { details: { issues } });
  },
});
