import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '../database/unavailable';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { ErrorEnvelopeBody } from '../errors/error-envelope';
import { allowedMethodsFor } from './route-index';
import { requestIdOf } from './request-id';

/** body-parser and other express middleware raise http-errors shaped like this. */
interface MiddlewareHttpError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function fromMiddlewareError(error: Error & MiddlewareHttpError): AppError | undefined {
  const status = error.status ?? error.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('bad_request', 'The request body is not valid JSON.', { details: { reason: error.message } });
    case 'entity.too.large':
      return new AppError('bad_request', 'The request body is larger than the limit this server accepts.', {
        status: 413,
        details: { limit_bytes: (error as unknown as { limit?: number }).limit },
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', error.message);
    default:
      return new AppError(status === 404 ? 'not_found' : 'bad_request', error.expose ? error.message : 'Bad request.', {
        status,
      });
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal_error';
  if (status === 400) return 'bad_request';
  if (status === 405) return 'method_not_allowed';
  if (status === 415) return 'unsupported_media_type';
  return 'other';
}

function fromHttpException(exception: HttpException, request: Request): AppError {
  const status = exception.getStatus();
  // Express found no route: tell a wrong method (405 + Allow) apart from an unknown path (404).
  if (status === 404 && /^Cannot [A-Z]+ /.test(exception.message)) {
    const allowed = allowedMethodsFor(request);
    if (allowed.length > 0) {
      return new AppError('method_not_allowed', `Method ${request.method} is not allowed on ${request.path}.`, {
        details: { allowed_methods: allowed },
        headers: { Allow: allowed.join(', ') },
      });
    }
    return new AppError('not_found', `No route matches ${request.method} ${request.path}.`);
  }
  const message = status >= 500 ? 'An internal error occurred.' : exception.message;
  return new AppError(codeForStatus(status), message, { status });
}

/** Maps every exception to the API's error envelope; nothing reaches a client as a bare stack trace. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const error = this.toAppError(exception, request);

    if (error.status >= 500) {
      this.logger.error({ err: exception, request_id: requestIdOf(request) }, 'request failed');
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    const body: ErrorEnvelopeBody = {
      error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
      request_id: requestIdOf(request),
    };
    response.locals.errorCode = error.code;
    for (const [name, value] of Object.entries(error.headers ?? {})) response.setHeader(name, value);
    response.status(error.status).json(body);
  }

  private toAppError(exception: unknown, request: Request): AppError {
    if (exception instanceof AppError) return exception;
    if (exception instanceof HttpException) return fromHttpException(exception, request);
    if (exception instanceof Error) {
      const fromMiddleware = fromMiddlewareError(exception);
      if (fromMiddleware) return fromMiddleware;
    }
    // No pool connection free in time, a database restarting: passing, so a 503 the client may retry after a
    // moment (sends stay idempotent by client_ref), rather than a 500 that says the request itself broke something.
    if (isDatabaseUnavailable(exception)) {
      return new AppError('internal_error', 'The database is briefly unavailable; try again in a moment.', {
        status: 503,
        headers: { 'Retry-After': '1' },
        details: { reason: 'database_unavailable' },
        cause: exception,
      });
    }
    return new AppError('internal_error', 'An internal error occurred.', { cause: exception });
  }
}
