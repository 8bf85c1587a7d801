import type { z } from 'zod';
import { AppError } from '../errors/app-error';

export interface ValidationIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

/** A path as the client wrote it: object keys and array indexes, symbols spelt out. */
function pathOf(path: readonly PropertyKey[], renamePath?: (part: string | number) => string | number): (string | number)[] {
  return path.map((part) => {
    const plain = typeof part === 'symbol' ? String(part) : part;
    return renamePath ? renamePath(plain) : plain;
  });
}

/** The invalid_request every refused input answers with: the first issue in the message, all of them in details. */
export function invalidRequest(
  error: z.core.$ZodError,
  options: { renamePath?: (part: string | number) => string | number } = {},
): AppError {
  const issues: ValidationIssue[] = error.issues.map((issue) => ({
    path: pathOf(issue.path, options.renamePath),
    code: issue.code,
    message: issue.message,
  }));
  const first = issues[0];
  const where = first && first.path.length > 0 ? first.path.join('.') : 'request';
  return new AppError('invalid_request', `Invalid ${where}: ${first?.message ?? 'validation failed'}.`, { details: { issues } });
}

/**
 * Parses with a zod schema or throws invalid_request, the same refusal the validation pipe gives, for input a
 * service has to validate itself (a body reshaped before it fits a schema). `renamePath` names a field as the
 * client sent it when the service moved it (the sandbox's `from`, validated as a send's `to`).
 */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  options: { renamePath?: (part: string | number) => string | number } = {},
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidRequest(result.error, options);
}
