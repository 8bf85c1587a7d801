import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { RequestBodyObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ZodResponse, type ZodDto } from 'nestjs-zod';
import { AuditAction, type AuditActionMeta } from '../../modules/audit/audit-action.decorator';
import { CHANNEL_NEED_ERRORS, NeedsChannel, type ChannelNeed, type PathIdChecks } from '../../modules/channels/channel-need';
import { ApiErrorResponses, type ErrorItem } from './api-error-responses';

export interface ApiRouteOptions {
  summary: string;
  description?: string;
  /** The success status; also the one the route answers with. */
  status: number;
  /** The success body, validated on the way out; leave it out when the route declares its own (204, a stream). */
  response?: ZodDto;
  /** A request body the zod DTOs cannot describe (several content types), written out. */
  requestBody?: RequestBodyObject;
  /** What the route can refuse with, besides what `needs` adds. */
  errors?: ErrorItem[];
  /** The audit log's action and the type of resource it acts on, for routes that change something. */
  audit?: AuditActionMeta;
  /**
   * On a route under a channel (ChannelController): what it needs of the channel. ChannelAccessGuard checks
   * it, and the document lists the refusals that follow from it (and the API key's), derived rather than
   * listed by hand, so the document says what the guard does.
   */
  needs?: ChannelNeed;
  /** With `needs: 'connected'`: why, said in the `channel_unavailable` refusal ("<why>: the channel must be connected."). */
  connectedBecause?: string;
  /** With `needs`: parsers of the route's other path ids, whose refusals come before the channel's state's. */
  pathIds?: PathIdChecks;
  /**
   * The operation's id, when it must not follow from the controller class: a route that moved to another
   * class keeps the id clients' generated methods are named after.
   */
  operationId?: string;
}

/**
 * One decorator per route for what every route states: its status, its OpenAPI operation and answers, its
 * audit action and, under a channel, what it needs of the channel.
 */
export function ApiRoute(options: ApiRouteOptions) {
  const errors: ErrorItem[] = [...(options.errors ?? [])];
  if (options.needs) errors.unshift('auth', 'channel', ...CHANNEL_NEED_ERRORS[options.needs]);
  return applyDecorators(
    HttpCode(options.status),
    ApiOperation({
      summary: options.summary,
      ...(options.description ? { description: options.description } : {}),
      ...(options.operationId ? { operationId: options.operationId } : {}),
      ...(options.requestBody ? { requestBody: options.requestBody } : {}),
    }),
    ApiErrorResponses(...errors),
    // ZodResponse's overloads tie the handler's return type to the DTO, which a shared wrapper cannot carry;
    // the contract test (test/contract) holds every operation's answers to the document instead.
    ...(options.response ? [ZodResponse({ status: options.status, type: options.response as ZodDto & { isZodDto: true } } as never)] : []),
    ...(options.needs ? [NeedsChannel(options.needs, { reason: options.connectedBecause, pathIds: options.pathIds })] : []),
    ...(options.audit ? [AuditAction(options.audit.action, options.audit.resourceType)] : []),
  );
}
