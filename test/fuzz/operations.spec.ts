import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WhatsAppSimulator } from '../../src/simulator';
import { SAMPLES, SourceServer } from '../media/source-server';
import { digits, newPhone } from '../support/phones';
import { ChannelClient } from '../support/channels';
import { ApiContract, type Exchange, type Operation } from '../support/contract';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer } from '../support/http';
import {
  encodeSegment,
  type Hints,
  headerValue,
  nastyString,
  pathSegment,
  queryValue,
  type Schema,
  SchemaArbitraries,
} from '../support/openapi-arbitraries';
import { type Finding, KNOWN_DEFECTS } from './known-defects';
import { Receiver } from '../webhooks/support/receiver';
import { operations } from './operations-of-document';

/**
 * Generated requests, valid and invalid, to every operation of the published OpenAPI document, with real keys
 * and real ids among the junk. Whatever is sent, the gateway must never answer 5xx, every 4xx must carry the
 * error envelope, and every answer must be one the document declares (status, body schema, headers).
 *
 * A fixed seed and a small budget by default; `FUZZ_RUNS=300 FUZZ_SEED=123 npx jest test/fuzz` for more (each test
 * sets its own timeout from FUZZ_RUNS). Each operation gets its
 * own seed derived from FUZZ_SEED and its name, so `-t 'POST /v1/channels '` replays one operation alone
 * (state left by earlier operations aside).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const REQUEST_TIMEOUT_MS = 20_000;
/** Per operation: its runs, shrinking included, then what is left is skipped (not failed). */
const OPERATION_BUDGET_MS = Math.max(60_000, RUNS * 2_000);

/** Operations that end or remove what other operations use: run last. */
const DESTRUCTIVE = new Set([
  'POST /v1/admin/keys/{keyId}/revoke',
  'POST /v1/api-keys/{keyId}/revoke',
  'POST /v1/admin/channels/{channelId}/disable',
  'DELETE /v1/webhooks/{webhookId}',
  'DELETE /v1/channels/{channelId}/media/{mediaId}',
  'DELETE /v1/channels/{channelId}/chats/{chatId}',
  'DELETE /v1/channels/{channelId}/groups/{groupId}',
  'POST /v1/sandbox/channels/{channelId}/drop',
  'POST /v1/sandbox/channels/{channelId}/unlink',
  'POST /v1/channels/{channelId}/disconnect',
  'POST /v1/channels/{channelId}/logout',
  'DELETE /v1/channels/{channelId}',
]);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Sends a request exactly as built (raw path, raw body); an event stream is read up to its headers only. */
function send(port: number, request: FuzzRequest): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        const base = { method: request.method, path: request.path, status: res.statusCode ?? 0, headers: res.headers };
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          req.destroy();
          return resolve({ ...base, text: '' });
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          if (String(res.headers['content-type']).includes('json') && text) {
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
          }
          resolve({ ...base, body: body ?? {}, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** What must hold for every answer, whatever the request: the first thing that does not, or nothing. */
function verify(contract: ApiContract, exchange: Exchange, operation: string, hasBody: boolean): Finding | undefined {
  const body = exchange.body as { error?: { code?: unknown; message?: unknown }; request_id?: unknown } | undefined;
  const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
  const finding = (kind: Finding['kind'], problem: string): Finding => ({
    operation,
    kind,
    status: exchange.status,
    code,
    problem,
    hasBody,
  });
  if (exchange.status >= 500) return finding('server_error', `answered ${exchange.status}`);
  if (exchange.status >= 400) {
    const problems = [
      code ? '' : 'error.code is not a string',
      typeof body?.error?.message === 'string' ? '' : 'error.message is not a string',
      typeof body?.request_id === 'string' ? '' : 'request_id is not a string',
      body?.request_id === exchange.headers['x-request-id'] ? '' : 'request_id differs from X-Request-Id',
    ].filter(Boolean);
    if (problems.length) return finding('envelope', `${exchange.status} without the error envelope (${problems.join(', ')})`);
  }
  try {
    contract.check(exchange);
  } catch (error) {
    return finding('contract', (error as Error).message.split('\nbody:')[0]);
  }
  return undefined;
}

describe('Generated requests to every operation of the published OpenAPI document', () => {
  let db: TestDatabase;
  let simulator: WhatsAppSimulator;
  let gw: TestGateway;
  let contract: ApiContract;
  let receiver: Receiver;
  let source: SourceServer;
  let port: number;
  let schemas: SchemaArbitraries;
  /** Real ids by path parameter name; the union of them serves as "an id of the wrong kind". */
  const ids: Record<string, string[]> = {};
  const keys: Record<'admin' | 'test' | 'live' | 'scoped' | 'revoked', string> = { admin: '', test: '', live: '', scoped: '', revoked: '' };
  let hints: Hints = {};
  const stats = { requests: 0, statuses: new Map<string, number>() };
  const started = Date.now();
  /** Known defects met in this run: how often, on which operations, and the first request that showed each. */
  const knownSeen = new Map<string, { count: number; example: string; operations: Set<string> }>();

  beforeAll(async () => {
    db = await createTestDatabase();
    simulator = new WhatsAppSimulator();
    await simulator.start();
    gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'], sseMaxStreamsPerKey: 1000 }, undefined, {
      sandboxSimulator: simulator,
    });
    contract = await ApiContract.load(gw);
    schemas = new SchemaArbitraries(contract.document.components.schemas as Record<string, Schema>);
    receiver = await Receiver.start();
    source = await SourceServer.start();
    const server = gw.app.getHttpServer() as http.Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    await createFixtures();
  }, 120_000);

  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const coverage = contract?.coverage();
    const known = KNOWN_DEFECTS.map((defect) => {
      const seen = knownSeen.get(defect.name);
      return seen
        ? `- KNOWN DEFECT "${defect.name}": ${seen.count} requests on ${seen.operations.size} operations (${[...seen.operations].join(', ')}); e.g. ${seen.example}`
        : `- KNOWN DEFECT "${defect.name}": not met in this run (fixed? then remove it from known-defects.ts)`;
    });
    // eslint-disable-next-line no-console -- the run's coverage summary is meant to be read in the test output
    console.log(
      [
        `Fuzz (seed ${SEED}, ${RUNS} runs per operation): ${stats.requests} requests in ${seconds} s; ` +
          `statuses ${JSON.stringify(Object.fromEntries([...stats.statuses].sort()))}; ` +
          `${coverage?.checkedResponses}/${coverage?.declaredResponses} declared responses seen`,
        ...known,
      ].join('\n'),
    );
    await receiver?.close();
    await source?.close();
    await gw?.close();
    await simulator?.stop();
    await db?.drop();
  });

  async function createFixtures(): Promise<void> {
    keys.admin = gw.adminToken;
    const admin = bearer(keys.admin);
    const customer = await gw.http.post('/v1/admin/customers').set(admin).send({ name: 'Fuzz Co', plan: 'unlimited' }).expect(201);
    const spareCustomer = await gw.http.post('/v1/admin/customers').set(admin).send({ name: 'Spare Co', plan: 'unlimited' }).expect(201);
    const newKey = async (body: object) =>
      (
        await gw.http
          .post('/v1/admin/keys')
          .set(admin)
          .send({ customer_id: customer.body.id, ...body })
          .expect(201)
      ).body as { id: string; key: string };
    keys.test = (await newKey({ mode: 'test' })).key;
    keys.live = (await newKey({ mode: 'live' })).key;
    const revoked = await newKey({ mode: 'test' });
    await gw.http.post(`/v1/admin/keys/${revoked.id}/revoke`).set(admin).expect(200);
    keys.revoked = revoked.key;
    const spareKeys = [await newKey({ mode: 'test' }), await newKey({ mode: 'live' })];
    await gw.http
      .put('/v1/admin/plans/fuzz_plan')
      .set(admin)
      .send({ name: 'Fuzz', channel_limit: 3, rate_limit: { burst: 1000, per_second: 1000 } })
      .expect(200);

    const auth = bearer(keys.test);
    const channels = new ChannelClient(gw, keys.test);
    const contact = newPhone();
    const main = await channels.paired('fuzz main');
    const spare = await channels.create('fuzz spare');
    keys.scoped = (await newKey({ mode: 'test', channel_id: main.id })).key;

    const sent = await gw.http
      .post(`/v1/channels/${main.id}/messages`)
      .set(auth)
      .send({ type: 'text', to: contact, text: 'hello' })
      .expect(202);
    const media = await gw.http
      .post(`/v1/channels/${main.id}/media`)
      .set(auth)
      .attach('file', SAMPLES.png(512), { filename: 'a.png', contentType: 'image/png' })
      .expect(201);
    const token = String(media.body.url ?? '').split('/v1/media/')[1] ?? '';
    const webhook = await gw.http
      .post('/v1/webhooks')
      .set(auth)
      .send({ url: receiver.url('/fuzz') })
      .expect(201);
    const spareWebhook = await gw.http
      .post('/v1/webhooks')
      .set(auth)
      .send({ url: receiver.url('/spare') })
      .expect(201);
    const delivery = await gw.http.post(`/v1/webhooks/${webhook.body.id}/test`).set(auth).expect(202);
    const ticket = await gw.http.post('/v1/support/tickets').set(auth).send({ subject: 'Fuzz', body: 'fixture' }).expect(201);
    const chatJid = `${digits(contact)}@s.whatsapp.net`;
    const group = await gw.http
      .post(`/v1/channels/${main.id}/groups`)
      .set(auth)
      .send({ subject: 'Fuzz group', participants: [contact] })
      .expect(201);
    const invite = await gw.http.get(`/v1/channels/${main.id}/groups/${group.body.id}/invite`).set(auth).expect(200);
    const community = await gw.http.post(`/v1/channels/${main.id}/communities`).set(auth).send({ subject: 'Fuzz community' }).expect(201);

    Object.assign(ids, {
      channelId: [main.id, spare],
      webhookId: [webhook.body.id, spareWebhook.body.id],
      deliveryId: [delivery.body.id],
      messageId: [sent.body.message_id],
      mediaId: [media.body.media_id],
      chatId: [contact, chatJid],
      jid: [contact, chatJid],
      groupId: [group.body.id],
      communityId: [community.body.id],
      inviteCode: [invite.body.invite_code],
      customerId: [spareCustomer.body.id],
      keyId: spareKeys.map((k) => k.id),
      planId: ['fuzz_plan'],
      ticketId: [ticket.body.id],
      token: token ? [token] : [],
    });
    const pick = (...values: string[]) => fc.constantFrom(...values.filter(Boolean));
    hints = {
      channel_id: pick(main.id, spare),
      customer_id: pick(customer.body.id, spareCustomer.body.id),
      to: pick(contact, chatJid),
      from: pick(contact),
      participants: fc.constantFrom([contact], [chatJid]),
      invite_code: pick(invite.body.invite_code),
      subject: pick('Fuzzed subject'),
      chat: pick(contact, chatJid),
      message_id: pick(sent.body.message_id),
      media_id: pick(media.body.media_id),
      url: pick(receiver.url('/generated')),
      // Bytes to fetch for media; webhook deliveries go to the receiver, which checks them against their schemas.
      source_url: pick(source.serve('/fuzz.png', { body: SAMPLES.png(256), headers: { 'Content-Type': 'image/png' } })),
      phone_number: fc.constant(null).map(() => newPhone()),
      plan: pick('unlimited', 'free', 'fuzz_plan'),
      cursor: pick('eyJpZCI6IngifQ', 'garbage'),
    };
  }

  function authorization(operation: Operation): fc.Arbitrary<string | undefined> {
    const scheme = Object.keys(operation.security?.[0] ?? {})[0];
    const garbage = fc.oneof(
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'bearer zpk_test_',
        'Basic dXNlcjpwYXNz',
        'Token abc',
        `Bearer ${keys.test} extra`,
        `Bearer ${keys.test.slice(0, -1)}`,
      ),
      nastyString.map((s) => `Bearer ${headerValue(s)}`),
    );
    const asBearer = (token: string) => `Bearer ${token}`;
    if (scheme === 'admin') {
      return fc.oneof(
        { weight: 8, arbitrary: fc.constant(asBearer(keys.admin)) },
        { weight: 1, arbitrary: fc.constant(asBearer(keys.test)) },
        { weight: 1, arbitrary: garbage },
        { weight: 1, arbitrary: fc.constant(undefined) },
      );
    }
    if (scheme === 'bearer') {
      return fc.oneof(
        { weight: 10, arbitrary: fc.constant(asBearer(keys.test)) },
        { weight: 2, arbitrary: fc.constantFrom(asBearer(keys.live), asBearer(keys.scoped), asBearer(keys.revoked), asBearer(keys.admin)) },
        { weight: 1, arbitrary: garbage },
        { weight: 1, arbitrary: fc.constant(undefined) },
      );
    }
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant(asBearer(keys.test)) },
      { weight: 1, arbitrary: garbage },
    );
  }

  /** A whole request for an operation: path, query, headers and body, each either right or wrong. */
  function requests(method: string, template: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
    const parameters = (operation.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
    const everyId = Object.values(ids).flat();
    const segments = template.split('/').map((segment) => {
      const name = segment.match(/^\{(.+)\}$/)?.[1];
      if (!name) return fc.constant(segment);
      const schema = parameters.find((p) => p.in === 'path' && p.name === name)?.schema;
      const real = [...(ids[name] ?? []), ...((schema?.enum as string[] | undefined) ?? [])];
      return pathSegment(
        real,
        everyId.filter((id) => !real.includes(id)),
      );
    });
    const path = fc.tuple(...segments).map((parts) => parts.join('/'));

    const queryParts = parameters
      .filter((p) => p.in === 'query')
      .map((p) => {
        const value = fc.oneof(
          { weight: 3, arbitrary: schemas.valid(p.schema, hints, p.name) },
          { weight: 1, arbitrary: schemas.invalid(p.schema) },
        );
        return fc.option(
          queryValue(value).map((v) => `${p.name}=${v}`),
          { freq: 2 },
        );
      });
    // An unknown parameter is refused by every route before anything else is read, so it is added to one
    // request in seven only: the rest reach the checks behind it.
    const unknownQuery = fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.string({ minLength: 1, maxLength: 10 }), nastyString)
          .map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`),
      },
    );
    const query = fc.tuple(unknownQuery, ...queryParts).map((parts) => {
      const present = parts.filter((p): p is string => p !== null);
      return present.length ? `?${present.join('&')}` : '';
    });

    const headerParams = parameters.filter((p) => p.in === 'header');
    const extraHeaders = fc.tuple(
      ...headerParams.map((p) =>
        fc.option(
          fc
            .oneof(schemas.valid(p.schema, hints, p.name), schemas.invalid(p.schema))
            .map((v) => [p.name, headerValue(String(typeof v === 'string' ? v : JSON.stringify(v)))] as const),
          { freq: 2 },
        ),
      ),
    );

    const bodySchema = operation.requestBody?.content?.['application/json']?.schema as Schema | undefined;
    const body: fc.Arbitrary<{ text?: string; contentType?: string }> = bodySchema
      ? fc.record({
          text: fc.oneof(
            { weight: 12, arbitrary: schemas.body(bodySchema, hints).map((v) => JSON.stringify(v)) },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                '{"a":',
                '',
                '{"a":1,"a":2}',
                '\u0000',
                'nul',
                '[1,]',
                '"\\ud800"',
                '{"__proto__":{"x":1}}',
                '{"constructor":{"prototype":{"x":1}}}',
              ),
            },
          ),
          contentType: fc.oneof(
            { weight: 10, arbitrary: fc.constant('application/json') },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                'application/json; charset=utf-8',
                'text/plain',
                'application/x-www-form-urlencoded',
                'application/json; charset=latin1',
                'application/vnd.api+json',
              ),
            },
            { weight: 1, arbitrary: fc.constant(undefined) },
          ),
        })
      : fc.oneof(
          { weight: 6, arbitrary: fc.constant({}) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              { text: '{}', contentType: 'application/json' },
              { text: '{"unexpected":true}', contentType: 'application/json' },
            ),
          },
        );

    return fc
      .record({ path, query, authorization: authorization(operation), extraHeaders, body })
      .map(({ path, query, authorization, extraHeaders, body }) => {
        const headers: Record<string, string> = {};
        if (authorization !== undefined) headers.Authorization = authorization;
        for (const header of extraHeaders) if (header) headers[header[0]] = header[1];
        if (body.contentType) headers['Content-Type'] = body.contentType;
        if (body.text !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body.text));
        return { method: method.toUpperCase(), path: path + query, headers, body: body.text };
      });
  }

  const document = operations;
  const ordered = [
    ...document.filter((o) => !DESTRUCTIVE.has(`${o.method} ${o.template}`)),
    ...document.filter((o) => DESTRUCTIVE.has(`${o.method} ${o.template}`)),
  ];

  it.each(ordered)(
    '$method $template ',
    async ({ method, template }) => {
      const operation = contract.document.paths[template]?.[method.toLowerCase()];
      if (!operation) throw new Error(`${method} ${template} is no longer in the document: update operations-of-document.ts`);
      const hasBody = Boolean(operation.requestBody?.content?.['application/json']);
      await fc.assert(
        fc.asyncProperty(requests(method, template, operation), async (request) => {
          const exchange = await send(port, request);
          stats.requests++;
          const bucket = `${Math.floor(exchange.status / 100)}xx ${exchange.status}`;
          stats.statuses.set(bucket, (stats.statuses.get(bucket) ?? 0) + 1);
          const finding = verify(contract, exchange, `${method} ${template}`, hasBody);
          if (!finding) return;
          const known = KNOWN_DEFECTS.find((d) => d.matches(finding));
          if (!known)
            throw new Error(
              `${finding.problem}\nrequest: ${JSON.stringify(request).slice(0, 2000)}\nresponse: ${exchange.status} ${String(exchange.text).slice(0, 1000)}`,
            );
          const seen = knownSeen.get(known.name) ?? {
            count: 0,
            example: `${JSON.stringify(request).slice(0, 600)} → ${exchange.status} ${String(exchange.text).slice(0, 300)}`,
            operations: new Set<string>(),
          };
          seen.count++;
          seen.operations.add(`${method} ${template}`);
          knownSeen.set(known.name, seen);
        }),
        {
          seed: seedOf(`${method} ${template}`),
          numRuns: RUNS,
          interruptAfterTimeLimit: OPERATION_BUDGET_MS,
          markInterruptAsFailure: false,
        },
      );
    },
    OPERATION_BUDGET_MS + REQUEST_TIMEOUT_MS + 10_000,
  );

  it('covers every operation of the document', () => {
    const listed = new Set(ordered.map((o) => `${o.method} ${o.template}`));
    const inDocument = Object.entries(contract.document.paths).flatMap(([template, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'put', 'post', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${template}`),
    );
    expect(inDocument.filter((o) => !listed.has(o))).toEqual([]);
  });
});

/** A seed per operation: the same for an operation whichever others run. */
function seedOf(name: string): number {
  let hash = SEED | 0;
  for (const c of name) hash = (Math.imul(hash, 31) + c.charCodeAt(0)) | 0;
  return hash;
}
