import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { timingSafeEqual, createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { ApiKeyLookup } from './api-key-lookup';
import { assertApiKeyShape, readBearerToken } from './bearer-token';
import { attachPrincipal } from './principal';
import { Access, ACCESS_KEY } from '../../platform/http/route-access';

function sameSecret(a: string, b: string): boolean {
  // Compare digests so neither the length nor the content leaks through timing.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Global guard: every route needs an API key unless marked @Public() or @AdminOnly(). The header is classified
 * first so the client learns exactly what is wrong (missing, malformed, invalid, expired), then the key is
 * resolved (ApiKeyLookup). The key is read from the Authorization header only, never from the query or the
 * body, where it would end up in logs and browser histories.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyLookup,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
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
    assertApiKeyShape(token);
    attachPrincipal(request, await this.keys.authenticate(token));
    return true;
  }
}
