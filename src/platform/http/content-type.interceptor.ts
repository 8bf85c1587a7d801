import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
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
 * Answers 415 `unsupported_media_type` to a body the route cannot read. Only JSON is parsed, so a form or a text
 * body would otherwise reach the route as no body at all and be refused as "expected object", or worse, be
 * accepted as an empty one. A route that reads more (the multipart media upload) says so with `@ApiConsumes`,
 * the same declaration the API document publishes, so what is accepted and what is documented cannot drift.
 * A request without a body is left alone: the validation pipe reads it as `{}`.
 */
@Injectable()
export class ContentTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    if (hasBody(request)) {
      const declared = this.reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, [
        context.getHandler(),
        context.getClass(),
      ]);
      const accepted = [...new Set([...JSON_MEDIA_TYPES, ...(declared ?? [])])];
      if (!request.is(accepted)) {
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
    return next.handle();
  }
}
