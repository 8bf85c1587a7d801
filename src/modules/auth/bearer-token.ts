import { AppError } from '../../platform/errors/app-error';

export const API_KEY_PATTERN = /^zpk_(live|test)_[A-Za-z0-9]{32}$/;

/**
 * Reads the bearer credential, telling apart "none given" (auth_missing) from "given but not a bearer
 * token of ours" (auth_malformed), so a client can see which mistake it made.
 */
export function readBearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw new AppError('auth_missing', 'Send your API key as "Authorization: Bearer zpk_…".');
  }
  const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
  if (!match) {
    throw new AppError('auth_malformed', 'The Authorization header must be "Bearer <API key>".');
  }
  return match[1];
}

export function assertApiKeyShape(token: string): void {
  if (!API_KEY_PATTERN.test(token)) {
    throw new AppError('auth_malformed', 'This is not an API key: keys look like zpk_live_… or zpk_test_… (41 characters).');
  }
}
