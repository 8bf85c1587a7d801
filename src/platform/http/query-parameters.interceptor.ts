import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { AppError } from '../errors/app-error';

/**
 * Refuses query parameters on a route that reads none. Routes that take a query check it in the validation pipe
 * (unknown names answer `invalid_request` there); a route without a `@Query()` argument never reaches that
 * check, so `GET /v1/channels/{channelId}?expand=x` would succeed while ignoring what the client asked for.
 */
@Injectable()
export class QueryParametersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const names = Object.keys(request.query ?? {});
    if (names.length > 0 && !readsQuery(context)) {
      const name = names[0];
      const message = 'unknown query parameter; this route takes none';
      throw new AppError('invalid_request', `Invalid ${name}: ${message}.`, {
        details: { issues: names.map((each) => ({ path: [each], code: 'unrecognized_keys', message })) },
      });
    }
    return next.handle();
  }
}

function readsQuery(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
}
