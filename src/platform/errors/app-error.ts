import { ERROR_STATUS, ErrorCode } from './error-codes';

export interface AppErrorOptions {
  details?: unknown;
  /** Overrides the code's usual status where the protocol demands it (413, 416, 503). */
  status?: number;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type of the application: a stable code, a human message, optional structured details. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status ?? ERROR_STATUS[code];
    this.details = options.details;
    this.headers = options.headers;
  }
}
