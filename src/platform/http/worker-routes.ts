import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error';

/** What the HTTP server of a process of role `worker` serves: its health, for orchestrators, and its metrics. */
const WORKER_ROUTES = /^\/(health|metrics)(\/|$)/;

/**
 * On a process of role `worker` (sockets and queues only), every other route answers `not_found`: the API is
 * served by the processes of role `api` or `all`, and a worker's port is no second way into it.
 */
export function workerRoutesOnly(request: Request, _response: Response, next: NextFunction): void {
  if (WORKER_ROUTES.test(request.path)) return next();
  next(
    new AppError('not_found', `No route matches ${request.method} ${request.path}: this gateway worker serves only /health and /metrics.`, {
      details: { role: 'worker' },
    }),
  );
}
