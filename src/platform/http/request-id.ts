import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { newId } from '../ids';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const REQUEST_ID = Symbol('requestId');

type WithRequestId = Request & { [REQUEST_ID]?: string };

/** Accepts a client's X-Request-Id when it is sane, otherwise mints one; echoes it on every response. */
export function requestIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const offered = request.header('x-request-id');
  const id = offered && SANE_REQUEST_ID.test(offered) ? offered : newId('req');
  (request as WithRequestId)[REQUEST_ID] = id;
  response.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(request: Request): string {
  return (request as WithRequestId)[REQUEST_ID] ?? 'req_unknown';
}

/** The request's id as a handler parameter: `@RequestId() requestId: string`. */
export const RequestId = createParamDecorator((_: unknown, context: ExecutionContext) =>
  requestIdOf(context.switchToHttp().getRequest<Request>()),
);
