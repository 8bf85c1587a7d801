import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { idOf, isIdOf, newId } from '../../platform/ids';
import { decodeCursor, Page, PageQuery, toPage } from '../../platform/pagination';
import type { ApiKeyLookup } from '../auth/api-key-lookup';
import { ApiKeyPrincipal } from '../auth/principal';
import { ChannelAccessService } from '../channels/channel-access.service';
import { CreateApiKeyInput, CreateOwnApiKeyInput, toApiKey, toCustomer, toPlan } from './accounts.contracts';
import { AccountsRepository } from './accounts.repository';
import { hashApiKey, mintApiKey } from './api-key-secret';
import { RecentlyAuthenticated } from './recently-authenticated';

type Customer = ReturnType<typeof toCustomer>;
type ApiKey = ReturnType<typeof toApiKey>;
type Plan = ReturnType<typeof toPlan>;

/** How often a key's last_used_at is written, at most; authentication must not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/** Customers, their plans and their API keys: the operator's side of accounts, and authentication. */
@Injectable()
export class AccountsService implements ApiKeyLookup {
  private readonly lastTouched = new Map<string, number>();
  private readonly recentlyAuthenticated = new RecentlyAuthenticated();

  constructor(
    private readonly accounts: AccountsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly channels: ChannelAccessService,
  ) {}

  async createCustomer(input: { name: string; plan?: string }): Promise<Customer> {
    const planId = input.plan ?? this.config.defaultPlan;
    await this.requirePlan(planId);
    return toCustomer(await this.accounts.createCustomer({ id: newId('cus'), name: input.name, planId }));
  }

  async getCustomer(id: string): Promise<Customer> {
    return toCustomer(await this.requireCustomer(id));
  }

  async listCustomers(query: PageQuery): Promise<Page<Customer>> {
    const rows = await this.accounts.listCustomers({ before: decodeCursor(query.cursor, idOf('cus')), take: query.limit + 1 });
    return toPage(rows, query.limit, toCustomer);
  }

  async updateCustomer(id: string, input: { name?: string; plan?: string }): Promise<Customer> {
    await this.requireCustomer(id);
    if (input.plan !== undefined) await this.requirePlan(input.plan);
    const updated = await this.accounts.updateCustomer(id, { name: input.name, planId: input.plan });
    if (input.plan !== undefined) this.recentlyAuthenticated.forgetAll();
    return toCustomer(updated);
  }

  /** The largest media a customer's plan may send or store; null: the gateway-wide limit. */
  async mediaLimitOf(customerId: string): Promise<number | null> {
    const customer = await this.accounts.findCustomer(customerId);
    const plan = customer ? await this.accounts.findPlan(customer.planId) : null;
    return plan?.mediaMaxBytes ?? null;
  }

  async listPlans(): Promise<{ data: Plan[] }> {
    return { data: (await this.accounts.listPlans()).map(toPlan) };
  }

  async upsertPlan(
    id: string,
    input: { name: string; channel_limit: number; rate_limit: { burst: number; per_second: number }; media_max_bytes?: number | null },
  ): Promise<Plan> {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) {
      throw new AppError('invalid_request', 'Plan ids are 1-64 lowercase letters, digits, "-" or "_".', {
        details: { issues: [{ path: ['id'], message: 'invalid plan id' }] },
      });
    }
    const row = await this.accounts.upsertPlan({
      id,
      name: input.name,
      channelLimit: input.channel_limit,
      rateLimitBurst: input.rate_limit.burst,
      rateLimitPerSecond: input.rate_limit.per_second,
      mediaMaxBytes: input.media_max_bytes ?? null,
    });
    this.recentlyAuthenticated.forgetAll();
    return toPlan(row);
  }

  async createApiKey(input: CreateApiKeyInput): Promise<ApiKey & { key: string }> {
    await this.requireCustomer(input.customer_id);
    // A key scoped to a channel its customer could not use with it would be refused on every call; the
    // channel is checked as a channel route checks it (channel_not_found, channel_access_denied for the other mode).
    const channel = input.channel_id
      ? await this.channels.requireOwned({ customerId: input.customer_id, mode: input.mode }, input.channel_id)
      : null;
    const minted = mintApiKey(input.mode);
    const row = await this.accounts.createApiKey({
      id: newId('key'),
      customerId: input.customer_id,
      mode: input.mode,
      prefix: minted.prefix,
      secretHash: minted.secretHash,
      channelId: channel?.id ?? null,
      name: input.name ?? null,
      expiresAt: input.expires_at ? new Date(input.expires_at) : null,
    });
    return { ...toApiKey(row), key: minted.key };
  }

  async listApiKeys(query: PageQuery & { customer_id?: string }): Promise<Page<ApiKey>> {
    const rows = await this.accounts.listApiKeys({
      customerId: query.customer_id,
      before: decodeCursor(query.cursor, idOf('key')),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, (row) => toApiKey(row));
  }

  async revokeApiKey(id: string): Promise<ApiKey> {
    if (!isIdOf('key', id) || !(await this.accounts.findApiKey(id))) throw new AppError('not_found', `No API key ${id}.`);
    const revoked = await this.accounts.revokeApiKey(id, new Date());
    this.recentlyAuthenticated.forgetAll();
    return toApiKey(revoked);
  }

  /**
   * A customer's keys as one of its keys manages them (`/v1/api-keys`): only keys of its own mode, and a key
   * scoped to a channel manages none (`channel_scoped_key`).
   */
  async listOwnApiKeys(caller: ApiKeyPrincipal, query: PageQuery): Promise<Page<ApiKey>> {
    requireUnscoped(caller);
    const rows = await this.accounts.listApiKeys({
      customerId: caller.customerId,
      mode: caller.mode,
      before: decodeCursor(query.cursor, idOf('key')),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, (row) => toApiKey(row));
  }

  /**
   * A key never creates a key broader than itself: same customer, same mode, and an expiry no later than its
   * own (`key_scope_exceeded` otherwise). It may narrow: a channel scope (checked as a channel route checks
   * it), an earlier expiry.
   */
  async createOwnApiKey(caller: ApiKeyPrincipal, input: CreateOwnApiKeyInput): Promise<ApiKey & { key: string }> {
    requireUnscoped(caller);
    const mode = input.mode ?? caller.mode;
    if (mode !== caller.mode) {
      throw new AppError('key_scope_exceeded', `A ${caller.mode} key cannot create a ${mode} key.`, {
        details: { key_mode: caller.mode, requested_mode: mode },
      });
    }
    const own = await this.accounts.findApiKey(caller.apiKeyId);
    if (own?.expiresAt && (!input.expires_at || Date.parse(input.expires_at) > own.expiresAt.getTime())) {
      throw new AppError(
        'key_scope_exceeded',
        `This key expires at ${own.expiresAt.toISOString()}; a key it creates must expire no later (give expires_at).`,
        { details: { key_expires_at: own.expiresAt.toISOString() } },
      );
    }
    return this.createApiKey({
      customer_id: caller.customerId,
      mode,
      name: input.name,
      channel_id: input.channel_id,
      expires_at: input.expires_at,
    });
  }

  /** Revokes one of the customer's keys of the caller's mode (the calling key included); others are not_found. */
  async revokeOwnApiKey(caller: ApiKeyPrincipal, id: string): Promise<ApiKey> {
    requireUnscoped(caller);
    const row = isIdOf('key', id) ? await this.accounts.findApiKey(id) : null;
    if (!row || row.customerId !== caller.customerId || row.mode !== caller.mode) throw new AppError('not_found', `No API key ${id}.`);
    const revoked = await this.accounts.revokeApiKey(id, new Date());
    this.recentlyAuthenticated.forgetAll();
    return toApiKey(revoked);
  }

  /**
   * Of these keys, those no longer usable, with the code authenticating them would now answer: one query for
   * every key at once, so that long-lived requests (event streams) can re-check their keys cheaply.
   */
  async unusableKeys(ids: string[], now = new Date()): Promise<Map<string, 'auth_invalid' | 'auth_expired'>> {
    const unusable = new Map<string, 'auth_invalid' | 'auth_expired'>();
    if (ids.length === 0) return unusable;
    const rows = await this.accounts.findApiKeyStates(ids);
    for (const id of ids) {
      const row = rows.find((r) => r.id === id);
      if (!row || row.revokedAt) unusable.set(id, 'auth_invalid');
      else if (row.expiresAt && row.expiresAt <= now) unusable.set(id, 'auth_expired');
    }
    return unusable;
  }

  /** Resolves a well-formed key to its principal, or auth_invalid / auth_expired. */
  async authenticate(key: string): Promise<ApiKeyPrincipal> {
    const row = await this.keyOf(hashApiKey(key));
    if (!row || row.revokedAt) throw new AppError('auth_invalid', 'This API key does not exist or was revoked.');
    const now = new Date();
    if (row.expiresAt && row.expiresAt <= now) {
      throw new AppError('auth_expired', `This API key expired at ${row.expiresAt.toISOString()}.`);
    }
    this.touch(row.id, now);
    return {
      kind: 'api_key',
      customerId: row.customerId,
      apiKeyId: row.id,
      mode: row.mode,
      channelId: row.channelId,
      plan: {
        id: row.planId,
        channelLimit: row.channelLimit,
        rateLimitBurst: row.rateLimitBurst,
        rateLimitPerSecond: Number(row.rateLimitPerSecond),
        mediaMaxBytes: row.mediaMaxBytes,
      },
    };
  }

  /** The key with this secret hash, from the last AUTHENTICATED_KEY_TTL_MS (RecentlyAuthenticated) or the database. */
  private keyOf(secretHash: string) {
    return this.recentlyAuthenticated.lookup(secretHash, () => this.accounts.findKeyForAuthentication(secretHash));
  }

  private touch(id: string, now: Date): void {
    const last = this.lastTouched.get(id) ?? 0;
    if (now.getTime() - last < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(id, now.getTime());
    this.accounts.touchApiKey(id, now).catch(() => this.lastTouched.delete(id));
  }

  private async requireCustomer(id: string) {
    const row = isIdOf('cus', id) ? await this.accounts.findCustomer(id) : null;
    if (!row) throw new AppError('not_found', `No customer ${id}.`);
    return row;
  }

  private async requirePlan(id: string) {
    const plan = await this.accounts.findPlan(id);
    if (!plan)
      throw new AppError('invalid_request', `No plan "${id}".`, { details: { issues: [{ path: ['plan'], message: 'unknown plan' }] } });
    return plan;
  }
}

function requireUnscoped(caller: ApiKeyPrincipal): void {
  if (caller.channelId) {
    throw new AppError('channel_scoped_key', `This key is scoped to channel ${caller.channelId} and cannot manage API keys.`, {
      details: { key_channel_id: caller.channelId },
    });
  }
}
