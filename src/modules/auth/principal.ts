export type KeyMode = 'live' | 'test';

export interface PlanLimits {
  id: string;
  channelLimit: number;
  rateLimitBurst: number;
  rateLimitPerSecond: number;
  /** Largest media file this plan may store; null: the gateway-wide limit. */
  mediaMaxBytes: number | null;
}

/** Who is calling: an API key of a customer, possibly scoped to one channel. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  customerId: string;
  apiKeyId: string;
  mode: KeyMode;
  channelId: string | null;
  plan: PlanLimits;
}

/** The operator, authenticated with ADMIN_TOKEN. */
export interface AdminPrincipal {
  kind: 'admin';
}

export type Principal = ApiKeyPrincipal | AdminPrincipal;

const PRINCIPAL = Symbol('principal');

export function attachPrincipal(request: object, principal: Principal): void {
  (request as Record<symbol, Principal>)[PRINCIPAL] = principal;
}

export function principalOf(request: object): Principal | undefined {
  return (request as Record<symbol, Principal | undefined>)[PRINCIPAL];
}
