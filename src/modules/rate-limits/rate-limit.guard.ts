import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppError } from '../../platform/errors/app-error';
import { principalOf } from '../auth/principal';
import { RateLimitsService } from './rate-limits.service';

const PEEK_KEY = 'whatisup:rate-limit-peek';

/** The route reports the budget without spending from it. */
export const PeekRateLimit = () => SetMetadata(PEEK_KEY, true);

/** Runs after authentication: spends one token per API-key request and reports the budget on the response. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (principal?.kind !== 'api_key') return true;
    const peek = this.reflector.getAllAndOverride<boolean>(PEEK_KEY, [context.getHandler(), context.getClass()]);
    const state = peek ? await this.limits.peek(principal) : await this.limits.consume(principal);
    const response = context.switchToHttp().getResponse<Response>();
    this.limits.writeHeaders(response, state);
    if (!state.allowed) {
      throw new AppError(
        'rate_limited',
        `Rate limit exceeded: ${state.limit} requests burst, refilling ${principal.plan.rateLimitPerSecond}/s.`,
        {
          headers: { 'Retry-After': String(state.retryAfterSeconds) },
          details: { limit: state.limit, retry_after_seconds: state.retryAfterSeconds },
        },
      );
    }
    return true;
  }
}
