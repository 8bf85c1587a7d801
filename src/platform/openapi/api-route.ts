import { applyDecorators, HttpCode, SetMetadata } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { RequestBodyObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ZodResponse, type ZodDto } from 'nestjs-zod';
import { ApiErrorResponses, type ErrorItem } from './api-error-responses';

/**
 * Options of a route that belong to a module rather than to the platform: what a channel route needs of its
 * channel (`needs`, declared by modules/channels), the audit log's action (`audit`, declared by modules/audit).
 * Empty here: each module adds its own by declaration merging,
 *
 *   declare module '../../platform/openapi/api-route' {
 *     interface ApiRouteExtensions { needs?: ChannelNeed }
 *   }
 *
 * and reads them back with `apiRouteOf` (a guard, an interceptor, a class decorator). ApiRoute keeps them on
 * the route as they are, so one decorator still says everything about a route while the platform knows none
 * of those modules.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' declarations
export interface ApiRouteExtensions {}

export interface ApiRouteOptions extends ApiRouteExtensions {
  summary: string;
  description?: string;
  /** The success status; also the one the route answers with. */
  status: number;
  /** The success body, validated on the way out; leave it out when the route declares its own (204, a stream). */
  response?: ZodDto;
  /** A request body the zod DTOs cannot describe (several content types), written out. */
  requestBody?: RequestBodyObject;
  /** What the route can refuse with, besides what a module adds for its own options (a channel route's `needs`). */
  errors?: ErrorItem[];
  /**
   * The operation's id, when it must not follow from the controller class: a route that moved to another
   * class keeps the id clients' generated methods are named after.
   */
  operationId?: string;
}

const API_ROUTE = 'whatisup:api-route';

/**
 * One decorator per route for what every route states: its status, its OpenAPI operation and answers, and the
 * options modules read for themselves (see ApiRouteExtensions).
 */
export function ApiRoute(options: ApiRouteOptions) {
  return applyDecorators(
    SetMetadata(API_ROUTE, options),
    HttpCode(options.status),
    ApiOperation({
      summary: options.summary,
      ...(options.description ? { description: options.description } : {}),
      ...(options.operationId ? { operationId: options.operationId } : {}),
      ...(options.requestBody ? { requestBody: options.requestBody } : {}),
    }),
    ApiErrorResponses(...(options.errors ?? [])),
    // ZodResponse's overloads tie the handler's return type to the DTO, which a shared wrapper cannot carry;
    // the contract test (test/contract) holds every operation's answers to the document instead.
    ...(options.response ? [ZodResponse({ status: options.status, type: options.response as ZodDto & { isZodDto: true } } as never)] : []),
  );
}

/** The options a route handler was declared with by `@ApiRoute`, if it was. */
export function apiRouteOf(handler: object): Readonly<ApiRouteOptions> | undefined {
  return Reflect.getMetadata(API_ROUTE, handler) as ApiRouteOptions | undefined;
}
