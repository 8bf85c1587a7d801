import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';
import { principalOf } from '../auth/principal';

/**
 * The sandbox drives simulated phones, which only test channels have: a live key is refused before its
 * channel is looked up, so the answer names the real mistake (the key) whatever channel the path names.
 */
@Injectable()
export class TestKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = principalOf(context.switchToHttp().getRequest());
    if (principal?.kind === 'api_key' && principal.mode !== 'test') {
      throw new AppError('channel_access_denied', 'Sandbox endpoints work with test keys (zpk_test_…) only.', {
        details: { key_mode: principal.mode },
      });
    }
    return true;
  }
}
