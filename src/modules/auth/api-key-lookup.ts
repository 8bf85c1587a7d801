import type { ApiKeyPrincipal } from './principal';

/**
 * What authentication needs of the keys: a well-formed API key resolved to its principal, or `auth_invalid` /
 * `auth_expired`. A port (and its own DI token) because the keys belong to the accounts module, which builds on
 * the principal this module defines: accounts implements it, and the composition root says so
 * (`AuthModule.forRoot({ keysFrom: AccountsModule })`).
 */
export abstract class ApiKeyLookup {
  abstract authenticate(key: string): Promise<ApiKeyPrincipal>;
}
