import { ExecutionContext, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestIdOf } from '../../platform/http/request-id';
import { apiRouteOf } from '../../platform/openapi/api-route';
import { principalOf } from '../auth/principal';
import type { AuditActionMeta } from './audit-action';
import { AuditService } from './audit.service';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The route parameter that names the resource an action of this type acts on. Routes under a resource that
 * is not the one acted on (media under its channel) are absent: their resource id comes from the response.
 */
const RESOURCE_PARAMETER: Record<string, string> = {
  channel: 'channelId',
  webhook_endpoint: 'webhookId',
  webhook_delivery: 'deliveryId',
  customer: 'customerId',
  api_key: 'keyId',
  plan: 'planId',
  support_ticket: 'ticketId',
};

interface AuditLocals {
  auditAction?: AuditActionMeta;
  auditRoute?: string;
  auditParams?: Record<string, string | undefined>;
  auditResourceId?: string;
  auditChannelId?: string;
}

/** Lets a handler name the channel its action concerns when it is not a route parameter. */
export function setAuditChannel(response: Response, channelId: string | null | undefined): void {
  if (channelId) (response.locals as AuditLocals).auditChannelId = channelId;
}

/**
 * Copies the route's audit name, path and parameters to the response for the recorder. The global request
 * guard calls it before any guard can refuse the call (a channel the key may not use, a rate limit), so a
 * refused call is recorded under its action and channel like one refused by its handler.
 */
export function noteAuditedRoute(context: ExecutionContext): void {
  const request = context.switchToHttp().getRequest<Request>();
  const locals = context.switchToHttp().getResponse<Response>().locals as AuditLocals;
  locals.auditAction = apiRouteOf(context.getHandler())?.audit;
  locals.auditRoute = (request.route as { path?: string } | undefined)?.path;
  locals.auditParams = { ...(request.params as Record<string, string | undefined>) };
}

/**
 * Notes the id of the resource a mutating call answered with, as its JSON body goes out. Resources answer with
 * their id under `id`, or `media_id` / `message_id` where the spec names it so. Read from the body the response
 * sends rather than by an interceptor around every handler: an interceptor put rxjs and an async-context
 * binding on the path of every request (3.5 % of the CPU samples of an accepted send).
 */
function noteAnsweredResource(response: Response): void {
  const json = response.json;
  response.json = function (this: Response, body?: unknown) {
    const answered = body as { id?: unknown; media_id?: unknown; message_id?: unknown } | null | undefined;
    const id = answered?.id ?? answered?.media_id ?? answered?.message_id;
    if (typeof id === 'string') (response.locals as AuditLocals).auditResourceId = id;
    return json.call(this, body);
  };
}

/**
 * Records every authenticated mutating call when its response finishes, including calls refused after
 * authentication (scope, rate limit, validation), so failures are audited as well as successes. Calls with
 * no valid credential belong to no customer and are left to the request log.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  constructor(private readonly audit: AuditService) {}

  use(request: Request, response: Response, next: NextFunction): void {
    if (MUTATING.has(request.method)) {
      noteAnsweredResource(response);
      response.once('finish', () => {
        const principal = principalOf(request);
        if (!principal) return;
        const locals = response.locals as AuditLocals & { errorCode?: string };
        const params = locals.auditParams ?? {};
        const resourceType = locals.auditAction?.resourceType;
        const resourceId = (resourceType ? params[RESOURCE_PARAMETER[resourceType]] : undefined) ?? locals.auditResourceId;
        void this.audit.record({
          principal,
          action: locals.auditAction?.action ?? `${request.method} ${locals.auditRoute ?? request.path}`,
          method: request.method,
          path: request.originalUrl.split('?')[0],
          resourceType,
          resourceId,
          channelId: params.channelId ?? locals.auditChannelId ?? (resourceType === 'channel' ? resourceId : undefined),
          statusCode: response.statusCode,
          errorCode: locals.errorCode,
          requestId: requestIdOf(request),
        });
      });
    }
    next();
  }
}
