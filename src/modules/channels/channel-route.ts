import {
  applyDecorators,
  CanActivate,
  Controller,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  Type,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiParam } from '@nestjs/swagger';
import type { Request } from 'express';
import { ChannelOwners } from '../../engine/calls/channel-owners';
import { AppError } from '../../platform/errors/app-error';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { apiRouteOf } from '../../platform/openapi/api-route';
import { isStorableText } from '../../platform/storable-text';
import { principalOf } from '../auth/principal';
import { ChannelAccessService } from './channel-access.service';
import { CHANNEL_NEED_ERRORS } from './channel-need';
import { ChannelRef, toChannelRef } from './channels.contracts';

export type { ChannelNeed } from './channel-need';
export type { ChannelRef } from './channels.contracts';

/** The path parameter naming the channel, on every route under one. */
export const CHANNEL_PARAMETER = 'channelId';

/** Channels in these states take sends: connected, or on their way back (the message waits, persisted). */

const CHANNEL = Symbol('channel');

function attachChannel(request: object, channel: ChannelRef): void {
  (request as Record<symbol, ChannelRef>)[CHANNEL] = channel;
}

/** The channel ChannelAccessGuard resolved for this request, if it ran. */
export function channelOf(request: object): ChannelRef | undefined {
  return (request as Record<symbol, ChannelRef | undefined>)[CHANNEL];
}

/**
 * The one check of every route under `/channels/{channelId}`: reads the parameter once, finds the channel
 * this key may use (owner, key scope, key mode; ChannelAccessService says how each is refused), then holds it
 * to what the route needs of it (see ChannelNeed); a route's other path ids, when it names checks for them,
 * are read between the two (PathIdChecks). The route receives the result through `@Channel()`.
 * It runs after the global authentication and rate-limit guards, so an unauthenticated or throttled request
 * never reaches the database.
 */
@Injectable()
export class ChannelAccessGuard implements CanActivate {
  constructor(
    private readonly access: ChannelAccessService,
    private readonly owners: ChannelOwners,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = apiRouteOf(context.getHandler());
    const need = route?.needs;
    if (!need) {
      // A programming error, caught by the first call in any test: without a need the document cannot say
      // which refusals the route gives.
      throw new Error(`${context.getClass().name}.${context.getHandler().name} is a channel route without a need (@ApiRoute({ needs }))`);
    }
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (principal?.kind !== 'api_key') throw new AppError('auth_missing', 'This route needs an API key.');
    const channelId = String(request.params[CHANNEL_PARAMETER]);
    assertStorableParameter(channelId);
    // A send takes the channel as read in the last few ms (RECENT_CHANNEL_TTL_MS): the one read every send made.
    const row = await this.access.require(principal, channelId, { allowDeleted: need === 'readable', recent: need === 'accepting' });
    const pathIds = route.pathIds ?? {};
    for (const [name, check] of Object.entries(pathIds)) check(String(request.params[name]));
    // `accepting` is held by the send itself (assertAcceptsSends), after its idempotent replay: a repeated
    // client_ref answers with the original message even if the channel stopped since.
    // The socket may be held by another worker: its lease names it, and the ports take the call there.
    if (need === 'connected' && !(await this.owners.reachable(row.id))) {
      const reason = route.connectedBecause ?? 'This call goes to WhatsApp';
      throw new AppError('channel_unavailable', `${reason}: the channel must be connected.`, { details: { current_state: row.state } });
    }
    attachChannel(request, toChannelRef(row));
    return true;
  }
}

/**
 * The validation pipe refuses text PostgreSQL cannot hold in any path parameter, but it runs after guards;
 * the channel parameter is read here first, so it is held to the same rule with the same answer.
 */
function assertStorableParameter(value: string): void {
  if (isStorableText(value)) return;
  const message = 'contains U+0000 or an unpaired UTF-16 surrogate, which cannot be stored';
  throw new AppError('invalid_request', `Invalid ${CHANNEL_PARAMETER}: ${message}.`, {
    details: { issues: [{ path: [CHANNEL_PARAMETER], code: 'invalid_characters', message }] },
  });
}

export interface ChannelControllerOptions {
  /** Where the channel routes hang: `v1/channels` unless the resource lives elsewhere (the sandbox). */
  base?: string;
  /** Guards to run before the channel is looked up (e.g. a refusal that does not depend on the channel). */
  before?: Array<Type<CanActivate>>;
}

/**
 * A controller of routes under one channel, `<base>/:channelId/<path>`: documents the API key and the
 * channel parameter and puts every route behind ChannelAccessGuard. Each route says what it needs of the
 * channel with `@ApiRoute({ needs })`, and its refusals are documented from that need (see documentNeeds).
 */
export function ChannelController(path = '', options: ChannelControllerOptions = {}) {
  const base = `${options.base ?? 'v1/channels'}/:${CHANNEL_PARAMETER}`;
  return applyDecorators(
    Controller(path ? `${base}/${path}` : base),
    ApiBearerAuth(),
    ApiParam({ name: CHANNEL_PARAMETER, format: 'uuid', description: 'The channel.' }),
    UseGuards(...(options.before ?? []), ChannelAccessGuard),
    documentNeeds,
  );
}

/**
 * Adds to each route's documented refusals those its need gives: the API key's, those of every channel route
 * (the `channel` group) and the need's own (CHANNEL_NEED_ERRORS). The route's answers are documented again as
 * one list with its own errors, since codes that share a status share one response.
 */
function documentNeeds(controller: { prototype: object }): void {
  const prototype = controller.prototype;
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    const route = typeof descriptor?.value === 'function' ? apiRouteOf(descriptor.value as object) : undefined;
    if (!descriptor || !route?.needs) continue;
    ApiErrorResponses('auth', 'channel', ...CHANNEL_NEED_ERRORS[route.needs], ...(route.errors ?? []))(prototype, key, descriptor);
  }
}

/** The channel of a route under ChannelController, checked: `@Channel() channel: ChannelRef`. */
export const Channel = createParamDecorator((_: unknown, context: ExecutionContext): ChannelRef => {
  const channel = channelOf(context.switchToHttp().getRequest());
  if (!channel) throw new Error('@Channel() is only available on routes of a ChannelController');
  return channel;
});
