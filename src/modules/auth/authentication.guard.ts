import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { timingSafeEqual, createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { API_KEY_STRATEGY } from './api-key.strategy';
import { readBearerToken } from './bearer-token';
import { ApiKeyPrincipal, attachPrincipal } from './principal';
import { Access, ACCESS_KEY } from '../../platform/http/route-access';

function sameSecret(a: string, b: string): boolean {
  // Compare digests so neither the length nor the content leaks through timing.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Global guard: every route needs an API key unless marked @Public() or @AdminOnly().
 * The header is classified first so the client learns exactly what is wrong (missing, malformed,
 * invalid, expired); passport-http-bearer then resolves the key.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(API_KEY_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'api_key';
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const token = readBearerToken(request.headers.authorization);
    if (access === 'admin') {
      if (!sameSecret(token, this.config.secrets.adminToken)) {
        throw new AppError('auth_invalid', 'This route needs the operator token (ADMIN_TOKEN).');
      }
      attachPrincipal(request, { kind: 'admin' });
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T = ApiKeyPrincipal>(error: unknown, principal: T, _info: unknown, context: ExecutionContext): T {
    // Passport hands over whatever the strategy threw; the error filter answers a non-Error as internal_error.
    if (error) throw error instanceof Error ? error : new AppError('internal_error', 'An internal error occurred.', { cause: error });
    if (!principal) throw new AppError('auth_malformed', 'Send the API key only in the Authorization header.');
    attachPrincipal(context.switchToHttp().getRequest(), principal as unknown as ApiKeyPrincipal);
    return principal;
  }
}
