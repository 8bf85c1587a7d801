import type { Response, Test } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { TestChannel } from './channels';
import type { TestContext } from './context';
import { bearer } from './http';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/** One operation of the published document under a channel, its path ids filled with well-formed values. */
export interface ChannelOperation {
  name: string;
  call(http: TestAgent, channelId: string, key?: string): Test;
}

/**
 * Every operation the published OpenAPI document lists under `/v1/channels/{channelId}/<area>`, so that a
 * route added later is walked too. `ids` gives a well-formed value for each path id: a malformed one is
 * refused before the channel is looked at, which is not what these walks check.
 */
export async function channelOperations(http: TestAgent, area: string, ids: Record<string, string>): Promise<ChannelOperation[]> {
  const document = (await http.get('/openapi.json').expect(200)).body as { paths: Record<string, Partial<Record<Method, unknown>>> };
  const prefix = `/v1/channels/{channelId}/${area}`;
  const operations: ChannelOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (path !== prefix && !path.startsWith(`${prefix}/`)) continue;
    for (const method of METHODS.filter((m) => item[m])) {
      const fill = (channelId: string) =>
        path.replace(/\{(\w+)\}/g, (_all, name: string) => {
          const value = name === 'channelId' ? channelId : ids[name];
          if (value === undefined) throw new Error(`no sample value for {${name}} of ${path}`);
          return encodeURIComponent(value);
        });
      operations.push({
        name: `${method.toUpperCase()} ${path}`,
        call: (agent, channelId, key) => {
          const request = agent[method](fill(channelId));
          return key ? request.set(bearer(key)) : request;
        },
      });
    }
  }
  return operations;
}

/**
 * Walks every operation of an area with the callers the channel guard must turn away, each answered before
 * WhatsApp is asked: no key (401), another customer's key (404, its channel unseen), a key scoped to
 * another channel (403), a live key on a test channel (403), and, on a channel without a live socket, the
 * account's own key (409). Answers one line per refusal that was not the expected one.
 */
export async function refusalsOfEveryRoute(ctx: TestContext, operations: ChannelOperation[], paired: TestChannel): Promise<string[]> {
  const { http } = ctx;
  const stranger = await ctx.newAccount({ plan: 'unlimited' });
  const sibling = await ctx.newChannel({ account: { key: paired.key, customerId: paired.customerId }, name: 'unpaired sibling' });
  const scoped = await ctx.gw.newKey({ customerId: paired.customerId, channelId: sibling.id });
  const live = await ctx.gw.newKey({ customerId: paired.customerId, mode: 'live' });
  const cases: { caller: string; channelId: string; key?: string; status: number; code: string }[] = [
    { caller: 'no key', channelId: paired.id, status: 401, code: 'auth_missing' },
    { caller: "another customer's key", channelId: paired.id, key: stranger.key, status: 404, code: 'channel_not_found' },
    { caller: 'a key scoped to another channel', channelId: paired.id, key: scoped.key, status: 403, code: 'channel_scoped_key' },
    { caller: 'a live key', channelId: paired.id, key: live.key, status: 403, code: 'channel_access_denied' },
    { caller: 'no live socket', channelId: sibling.id, key: paired.key, status: 409, code: 'channel_unavailable' },
  ];
  const wrong: string[] = [];
  for (const operation of operations) {
    for (const { caller, channelId, key, status, code } of cases) {
      const res = await operation.call(http, channelId, key);
      if (res.status !== status || codeOf(res) !== code) {
        wrong.push(`${operation.name}, ${caller}: ${res.status} ${codeOf(res)} (expected ${status} ${code})`);
      }
    }
  }
  return wrong;
}

/** The error code of an answer, or what it was instead (read without asserting, so every refusal is listed). */
function codeOf(res: Response): string {
  const code = (res.body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : '(no error envelope)';
}
