import { ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';

/** What every route reads: the JSON the body parser understands (see app.factory.ts). */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/** Whether the request carries body bytes; `Content-Length: 0` is no body, like a bare `curl -X POST`. */
export function hasBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(request.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/**
 * Refuses a request whose shape the route cannot read, before anything is looked up for it. The global guard
 * runs it once the caller is authenticated and within its rate limit (app.guard.ts); as a guard rather than an
 * interceptor it adds no layer to every request's response pipeline.
 * - A body the route cannot read: 415 `unsupported_media_type`. Only JSON is parsed, so a form or a text body
 *   would otherwise reach the route as no body at all and be refused as "expected object", or worse, be
 *   accepted as an empty one. A route that reads more (the multipart media upload) says so with `@ApiConsumes`,
 *   the same declaration the API document publishes, so what is accepted and what is documented cannot drift.
 *   A request without a body is left alone: the validation pipe reads it as `{}`.
 * - Query parameters on a route that reads none: `invalid_request`. Routes that take a query check it in the
 *   validation pipe (unknown names answer `invalid_request` there); a route without a `@Query()` argument never
 *   reaches that check, so `GET /v1/channels/{channelId}?expand=x` would succeed while ignoring what the client
 *   asked for.
 */
@Injectable()
export class RequestShape {
  constructor(private readonly reflector: Reflector) {}

  assertReadable(context: ExecutionContext): void {
    if (context.getType() !== 'http') return;
    const request = context.switchToHttp().getRequest<Request>();
    if (hasBody(request)) this.assertReadableBody(context, request);
    const names = Object.keys(request.query ?? {});
    if (names.length > 0 && !readsQuery(context)) {
      const name = names[0];
      const message = 'unknown query parameter; this route takes none';
      throw new AppError('invalid_request', `Invalid ${name}: ${message}.`, {
        details: { issues: names.map((each) => ({ path: [each], code: 'unrecognized_keys', message })) },
      });
    }
  }

  private assertReadableBody(context: ExecutionContext, request: Request): void {
    const declared = this.reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, [
      context.getHandler(),
      context.getClass(),
    ]);
    const accepted = declared ? [...new Set([...JSON_MEDIA_TYPES, ...declared])] : JSON_MEDIA_TYPES;
    if (request.is(accepted)) return;
    const sent = request.headers['content-type'] ?? null;
    throw new AppError(
      'unsupported_media_type',
      `This route does not accept a ${sent ?? 'body without a Content-Type'}; send ${accepted.join(' or ')}.`,
      {
        details: { content_type: sent, accepted },
      },
    );
  }
}

function readsQuery(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
}
