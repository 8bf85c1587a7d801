import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { noteAuditedRoute } from './modules/audit/audit.recorder';
import { AuthenticationGuard } from './modules/auth/authentication.guard';
import { RateLimitGuard } from './modules/rate-limits/rate-limit.guard';
import { RequestShape } from './platform/http/request-shape';

/**
 * The one global guard, every step in the order it must run: note the route for the audit log (so a call
 * refused by any later guard is still recorded under its action), authenticate, then spend from the key's
 * rate limit, which needs the key, then refuse a body or a query the route cannot read (RequestShape). Nest
 * runs several global guards in the order their modules happen to be imported, which nothing would keep;
 * chaining them here makes the order part of the code. Guards of a route
 * (a channel's access, ChannelAccessGuard) run after this one, so an unauthenticated or throttled call never
 * reaches them.
 */
@Injectable()
export class RequestGuard implements CanActivate {
  constructor(
    private readonly authentication: AuthenticationGuard,
    private readonly rateLimit: RateLimitGuard,
    private readonly shape: RequestShape,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    noteAuditedRoute(context);
    if (!(await this.authentication.canActivate(context)) || !(await this.rateLimit.canActivate(context))) return false;
    this.shape.assertReadable(context);
    return true;
  }
}
