import { AppError } from '../platform/errors/app-error';
import { ErrorCode } from '../platform/errors/error-codes';
import { AccountOperations } from './operator-commands';

/** The CLI's operations through a running gateway's admin API (used when it holds the embedded database). */
export class RemoteAccountOperations implements AccountOperations {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  createCustomer(input: { name: string; plan?: string }) {
    return this.call('POST', '/v1/admin/customers', input);
  }
  listCustomers(input: { limit: number; cursor?: string }) {
    return this.call('GET', `/v1/admin/customers?${query(input)}`);
  }
  createApiKey(input: object) {
    return this.call('POST', '/v1/admin/keys', input);
  }
  listApiKeys(input: { customer_id?: string; limit: number; cursor?: string }) {
    return this.call('GET', `/v1/admin/keys?${query(input)}`);
  }
  revokeApiKey(id: string) {
    return this.call('POST', `/v1/admin/keys/${encodeURIComponent(id)}/revoke`);
  }
  listPlans() {
    return this.call('GET', '/v1/admin/plans');
  }
  upsertPlan(id: string, input: object) {
    return this.call('PUT', `/v1/admin/plans/${encodeURIComponent(id)}`, input);
  }

  private async call(method: string, path: string, body?: object): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const payload = (await response.json()) as { error?: { code: ErrorCode; message: string; details?: unknown } };
    if (!response.ok) {
      throw new AppError(payload.error?.code ?? 'internal_error', payload.error?.message ?? `HTTP ${response.status}`, {
        details: payload.error?.details,
      });
    }
    return payload;
  }
}

function query(input: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(input)) if (value !== undefined) params.set(name, String(value));
  return params.toString();
}
