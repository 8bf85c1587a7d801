import { parseArgs } from 'node:util';
import { createApiKeySchema, createCustomerSchema, upsertPlanSchema } from '../modules/accounts/accounts.contracts';
import { AppError } from '../platform/errors/app-error';

/** The account operations the CLI offers, served either from the database directly or by a running gateway. */
export interface AccountOperations {
  createCustomer(input: { name: string; plan?: string }): Promise<unknown>;
  listCustomers(input: { limit: number; cursor?: string }): Promise<unknown>;
  createApiKey(input: {
    customer_id: string;
    mode: 'live' | 'test';
    name?: string;
    channel_id?: string;
    expires_at?: string;
  }): Promise<unknown>;
  listApiKeys(input: { customer_id?: string; limit: number; cursor?: string }): Promise<unknown>;
  revokeApiKey(id: string): Promise<unknown>;
  listPlans(): Promise<unknown>;
  upsertPlan(
    id: string,
    input: { name: string; channel_limit: number; rate_limit: { burst: number; per_second: number }; media_max_bytes?: number | null },
  ): Promise<unknown>;
}

export const USAGE = `Usage: npm run cli -- <command> [options]   (JSON on stdout)

  customers create --name NAME [--plan PLAN]
  customers list [--limit N] [--cursor C]
  keys create --customer ID --mode test|live [--channel ID] [--expires ISO-8601] [--name NAME]
  keys list [--customer ID] [--limit N] [--cursor C]
  keys revoke ID
  plans list
  plans set ID --name NAME --channels N --burst N --per-second N [--media-max-bytes N]`;

function invalid(message: string): AppError {
  return new AppError('invalid_request', message);
}

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
  },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalid(`--${String(issue.path[0] ?? 'options')}: ${issue.message}`);
}

const OPTIONS = {
  name: { type: 'string' },
  plan: { type: 'string' },
  customer: { type: 'string' },
  mode: { type: 'string' },
  channel: { type: 'string' },
  expires: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  channels: { type: 'string' },
  burst: { type: 'string' },
  'per-second': { type: 'string' },
  'media-max-bytes': { type: 'string' },
} as const;

/** Runs one CLI command against the given operations and returns what to print. */
export async function runOperatorCommand(argv: string[], ops: AccountOperations): Promise<unknown> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [resource, verb, target] = positionals;
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('--limit must be an integer from 1 to 100');

  switch (`${resource ?? ''} ${verb ?? ''}`) {
    case 'customers create': {
      const input = parse(createCustomerSchema, { name: values.name, plan: values.plan });
      const customer = (await ops.createCustomer(input)) as { id: string };
      return { ...customer, id: customer.id };
    }
    case 'customers list':
      return ops.listCustomers({ limit, cursor: values.cursor });
    case 'keys create': {
      const input = parse(createApiKeySchema, {
        customer_id: values.customer,
        mode: values.mode,
        name: values.name,
        channel_id: values.channel,
        expires_at: values.expires,
      });
      return ops.createApiKey(input);
    }
    case 'keys list':
      return ops.listApiKeys({ customer_id: values.customer, limit, cursor: values.cursor });
    case 'keys revoke':
      if (!target) throw invalid('keys revoke needs the key id: keys revoke key_…');
      return ops.revokeApiKey(target);
    case 'plans list':
      return ops.listPlans();
    case 'plans set': {
      if (!target) throw invalid('plans set needs the plan id: plans set pro --name Pro …');
      const input = parse(upsertPlanSchema, {
        name: values.name,
        channel_limit: Number(values.channels),
        rate_limit: { burst: Number(values.burst), per_second: Number(values['per-second']) },
        media_max_bytes: values['media-max-bytes'] === undefined ? undefined : Number(values['media-max-bytes']),
      });
      return ops.upsertPlan(target, input);
    }
    default:
      throw invalid(`Unknown command "${positionals.join(' ')}".\n${USAGE}`);
  }
}
