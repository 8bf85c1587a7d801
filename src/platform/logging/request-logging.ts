import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestIdOf } from '../http/request-id';
import { withinRequest } from './request-context';

/**
 * One line per request when its response is done (`request completed`; `request errored` at error level for a
 * 5xx; `request aborted` when the client went away first), with its id, method, URL, status and time; and the
 * request's context for the lines written while serving it. After the request id middleware.
 *
 * Headers are never logged, so credentials cannot be. Nothing is built for a request beyond its context and one
 * listener: a log line is made only when written, and not at all when its level is off.
 */
export function requestLogging(logger: Logger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    const context = { requestId: requestIdOf(request), method: request.method, url: request.originalUrl };
    response.once('close', () => {
      const failed = response.statusCode >= 500;
      const level = failed ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line = {
        request_id: context.requestId,
        req: { method: context.method, url: context.url },
        res: { statusCode: response.statusCode },
        responseTime: Math.round(performance.now() - startedAt),
      };
      if (!response.writableFinished) logger[level](line, 'request aborted');
      else logger[level](line, failed ? 'request errored' : 'request completed');
    });
    withinRequest(context, next);
  };
}
