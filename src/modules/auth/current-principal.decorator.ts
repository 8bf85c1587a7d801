import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';
import { ApiKeyPrincipal, principalOf } from './principal';

/** The authenticated API key of the request; routes using it are behind the API key guard. */
export const CurrentKey = createParamDecorator((_: unknown, context: ExecutionContext): ApiKeyPrincipal => {
  const principal = principalOf(context.switchToHttp().getRequest());
  if (principal?.kind !== 'api_key') throw new AppError('auth_missing', 'This route needs an API key.');
  return principal;
});
