import type { ArgumentMetadata } from '@nestjs/common';
import { createZodValidationPipe } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { AppError } from '../errors/app-error';

/** Zod validation of bodies, queries and params; failures are invalid_request with the issues in details. */
const ZodValidationPipe = createZodValidationPipe({
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

export class AppValidationPipe extends ZodValidationPipe {
  /**
   * A POST without a body (no Content-Type, nothing sent) reaches the pipe as `undefined`. It is read as an
   * empty object, so a route whose fields are all optional works with a bare `curl -X POST`, and a route with
   * required fields names the missing ones instead of "expected object".
   */
  override transform(value: unknown, metadata: ArgumentMetadata): unknown {
    return super.transform(metadata.type === 'body' && value === undefined ? {} : value, metadata);
  }
}
