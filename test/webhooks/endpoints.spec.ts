import { useTestContext } from '../support/context';
import { bearer, errorCode } from '../support/http';
import { eventually, Receiver } from './support/receiver';
import { createEndpoint, delivery } from './support/webhooks';

describe('Webhook endpoints API', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  /** A channel of the account (pending: enough to be named by an endpoint). */
  async function newChannel(key: string): Promise<string> {
    return (await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'hooked' }).expect(201)).body.id;
  }

  it('creates, lists, reads, updates and deletes endpoints; the secret is shown only on create', async () => {
    const { key } = await ctx.gw.newAccount();
    const channelId = await newChannel(key);
    const created = await ctx.http
      .post('/v1/webhooks')
      .set(bearer(key))
      .send({ url: 'https://hooks.example.com/a', events: ['message.received', 'message.sent'], description: 'main' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^whe_/),
      url: 'https://hooks.example.com/a',
      events: ['message.received', 'message.sent'],
      channel_id: null,
      enabled: true,
      description: 'main',
      disabled_reason: null,
      previous_secret_expires_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{32}$/),
    });
    const id = created.body.id;
    const second = await createEndpoint(ctx.gw, key, { url: 'http://hooks.example.com/b' });
    expect(second.events).toEqual(['*']);

    const got = await ctx.http.get(`/v1/webhooks/${id}`).set(bearer(key)).expect(200);
    expect(got.body.secret).toBeUndefined();
    expect(got.body.url).toBe('https://hooks.example.com/a');

    const page1 = await ctx.http.get('/v1/webhooks?limit=1').set(bearer(key)).expect(200);
    expect(page1.body).toMatchObject({ has_more: true, data: [{ id: second.id }] });
    const page2 = await ctx.http.get(`/v1/webhooks?limit=1&cursor=${page1.body.next_cursor}`).set(bearer(key)).expect(200);
    expect(page2.body).toMatchObject({ has_more: false, next_cursor: null, data: [{ id }] });
    expect(page2.body.data[0].secret).toBeUndefined();

    const patched = await ctx.http
      .patch(`/v1/webhooks/${id}`)
      .set(bearer(key))
      .send({ events: ['*'], channel_id: channelId, enabled: false, description: null })
      .expect(200);
    expect(patched.body).toMatchObject({ events: ['*'], channel_id: channelId, enabled: false, description: null });

    await ctx.http.delete(`/v1/webhooks/${id}`).set(bearer(key)).expect(204);
    expect(errorCode(await ctx.http.get(`/v1/webhooks/${id}`).set(bearer(key)).expect(404))).toBe('webhook_endpoint_not_found');

    await ctx.gw.flushAudit();
    const audit = await ctx.http.get('/v1/audit-events').set(bearer(key)).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['webhook_endpoint.create', 'webhook_endpoint.update', 'webhook_endpoint.delete']),
    );
  });

  it.each([
    ['a non-URL', { url: 'not a url' }],
    ['a non-http scheme', { url: 'ftp://hooks.example.com/' }],
    ['an unknown event', { url: 'https://hooks.example.com/', events: ['message.nope'] }],
    ['a stream-only event', { url: 'https://hooks.example.com/', events: ['message.read'] }],
    ['"*" with other events', { url: 'https://hooks.example.com/', events: ['*', 'message.sent'] }],
    ['no events', { url: 'https://hooks.example.com/', events: [] }],
    ['a loopback address', { url: 'http://127.0.0.2:8080/' }],
    ['a private address', { url: 'http://10.0.0.1/' }],
    ['the metadata service', { url: 'http://169.254.169.254/latest/meta-data/' }],
    ['IPv6 loopback', { url: 'http://[::1]/' }],
    ['localhost', { url: 'http://localhost:3000/' }],
  ])('refuses to register %s (invalid_request)', async (_name, body) => {
    const { key } = await ctx.gw.newAccount();
    expect(errorCode(await ctx.http.post('/v1/webhooks').set(bearer(key)).send(body).expect(400))).toBe('invalid_request');
  });

  it('takes a POST with no body at all as an empty object: optional fields default, required ones are named', async () => {
    const { key } = await ctx.gw.newAccount();
    const endpoint = await createEndpoint(ctx.gw, key, { url: 'https://hooks.example.com/bare' });
    const rotated = await ctx.http.post(`/v1/webhooks/${endpoint.id}/rotate-secret`).set(bearer(key)).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);

    const missing = await ctx.http.post('/v1/webhooks').set(bearer(key)).expect(400);
    expect(errorCode(missing)).toBe('invalid_request');
    expect(missing.body.error.details.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toContain('url');
  });

  it('answers validation errors on every route that takes input', async () => {
    const { key } = await ctx.gw.newAccount();
    const endpoint = await createEndpoint(ctx.gw, key, { url: 'https://hooks.example.com/v' });
    const cases = [
      ctx.http.get('/v1/webhooks?limit=0').set(bearer(key)),
      ctx.http.get('/v1/webhooks?cursor=garbage').set(bearer(key)),
      ctx.http.patch(`/v1/webhooks/${endpoint.id}`).set(bearer(key)).send({}),
      ctx.http.patch(`/v1/webhooks/${endpoint.id}`).set(bearer(key)).send({ url: 'http://10.1.2.3/' }),
      ctx.http
        .patch(`/v1/webhooks/${endpoint.id}`)
        .set(bearer(key))
        .send({ events: ['nope'] }),
      ctx.http.post(`/v1/webhooks/${endpoint.id}/rotate-secret`).set(bearer(key)).send({ expire_previous_in_seconds: -1 }),
      ctx.http.get(`/v1/webhooks/${endpoint.id}/deliveries?status=lost`).set(bearer(key)),
      ctx.http.get(`/v1/webhooks/${endpoint.id}/deliveries?limit=101`).set(bearer(key)),
    ];
    for (const res of await Promise.all(cases)) {
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 400, code: 'invalid_request' });
    }
  });

  it('answers not found on every route for an unknown id', async () => {
    const { key } = await ctx.gw.newAccount();
    const endpointRoutes = [
      ctx.http.get('/v1/webhooks/whe_missing').set(bearer(key)),
      ctx.http.patch('/v1/webhooks/whe_missing').set(bearer(key)).send({ enabled: false }),
      ctx.http.delete('/v1/webhooks/whe_missing').set(bearer(key)),
      ctx.http.post('/v1/webhooks/whe_missing/rotate-secret').set(bearer(key)).send({}),
      ctx.http.post('/v1/webhooks/whe_missing/test').set(bearer(key)),
      ctx.http.get('/v1/webhooks/whe_missing/deliveries').set(bearer(key)),
    ];
    for (const res of await Promise.all(endpointRoutes)) {
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'webhook_endpoint_not_found' });
    }
    for (const res of await Promise.all([
      ctx.http.get('/v1/webhook-deliveries/wevt_missing').set(bearer(key)),
      ctx.http.post('/v1/webhook-deliveries/wevt_missing/replay').set(bearer(key)),
    ])) {
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'not_found' });
    }
  });

  it("never shows or changes another customer's endpoints or deliveries", async () => {
    const owner = await ctx.gw.newAccount({ plan: 'unlimited' });
    const stranger = await ctx.gw.newAccount({ plan: 'unlimited' });
    const endpoint = await createEndpoint(ctx.gw, owner.key, { url: receiver.url('/tenant') });
    const test = await ctx.http.post(`/v1/webhooks/${endpoint.id}/test`).set(bearer(owner.key)).expect(202);
    await eventually(async () => (await delivery(ctx.gw, owner.key, test.body.id)).status === 'delivered');

    const k = bearer(stranger.key);
    for (const res of await Promise.all([
      ctx.http.get(`/v1/webhooks/${endpoint.id}`).set(k),
      ctx.http.patch(`/v1/webhooks/${endpoint.id}`).set(k).send({ enabled: false }),
      ctx.http.delete(`/v1/webhooks/${endpoint.id}`).set(k),
      ctx.http.post(`/v1/webhooks/${endpoint.id}/rotate-secret`).set(k).send({}),
      ctx.http.post(`/v1/webhooks/${endpoint.id}/test`).set(k),
      ctx.http.get(`/v1/webhooks/${endpoint.id}/deliveries`).set(k),
    ])) {
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'webhook_endpoint_not_found' });
    }
    for (const res of await Promise.all([
      ctx.http.get(`/v1/webhook-deliveries/${test.body.id}`).set(k),
      ctx.http.post(`/v1/webhook-deliveries/${test.body.id}/replay`).set(k),
    ])) {
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'not_found' });
    }
    expect((await ctx.http.get('/v1/webhooks').set(k).expect(200)).body.data).toEqual([]);
    const still = await ctx.http.get(`/v1/webhooks/${endpoint.id}`).set(bearer(owner.key)).expect(200);
    expect(still.body.enabled).toBe(true);
    expect(receiver.at('/tenant')).toHaveLength(1);
  });

  it('lets a channel-scoped key see and change only endpoints of its channel', async () => {
    const { customerId, key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const [chan1, chan2] = [await newChannel(key), await newChannel(key)];
    const scoped = await ctx.gw.newKey({ customerId, channelId: chan1 });
    const s = bearer(scoped.key);
    const everyChannel = await createEndpoint(ctx.gw, key, { url: receiver.url('/scope-all') });
    const otherChannel = await createEndpoint(ctx.gw, key, { url: receiver.url('/scope-2'), channel_id: chan2 });
    const own = await ctx.http
      .post('/v1/webhooks')
      .set(s)
      .send({ url: receiver.url('/scope-1') })
      .expect(201);
    expect(own.body.channel_id).toBe(chan1);

    expect((await ctx.http.get('/v1/webhooks').set(s).expect(200)).body.data.map((e: { id: string }) => e.id)).toEqual([own.body.id]);
    expect((await ctx.http.get('/v1/webhooks').set(bearer(key)).expect(200)).body.data).toHaveLength(3);

    expect(
      errorCode(
        await ctx.http
          .post('/v1/webhooks')
          .set(s)
          .send({ url: receiver.url('/x'), channel_id: chan2 })
          .expect(403),
      ),
    ).toBe('channel_scoped_key');
    expect(errorCode(await ctx.http.patch(`/v1/webhooks/${own.body.id}`).set(s).send({ channel_id: null }).expect(403))).toBe(
      'channel_scoped_key',
    );
    expect(errorCode(await ctx.http.patch(`/v1/webhooks/${own.body.id}`).set(s).send({ channel_id: chan2 }).expect(403))).toBe(
      'channel_scoped_key',
    );
    await ctx.http.patch(`/v1/webhooks/${own.body.id}`).set(s).send({ description: 'mine' }).expect(200);

    const allTest = await ctx.http.post(`/v1/webhooks/${everyChannel.id}/test`).set(bearer(key)).expect(202);
    for (const target of [everyChannel.id, otherChannel.id]) {
      for (const res of await Promise.all([
        ctx.http.get(`/v1/webhooks/${target}`).set(s),
        ctx.http.patch(`/v1/webhooks/${target}`).set(s).send({ enabled: false }),
        ctx.http.delete(`/v1/webhooks/${target}`).set(s),
        ctx.http.post(`/v1/webhooks/${target}/rotate-secret`).set(s).send({}),
        ctx.http.post(`/v1/webhooks/${target}/test`).set(s),
        ctx.http.get(`/v1/webhooks/${target}/deliveries`).set(s),
      ])) {
        expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'webhook_endpoint_not_found' });
      }
    }
    expect(errorCode(await ctx.http.get(`/v1/webhook-deliveries/${allTest.body.id}`).set(s).expect(404))).toBe('not_found');
    expect(errorCode(await ctx.http.post(`/v1/webhook-deliveries/${allTest.body.id}/replay`).set(s).expect(404))).toBe('not_found');

    const ownTest = await ctx.http.post(`/v1/webhooks/${own.body.id}/test`).set(s).expect(202);
    await eventually(async () => (await delivery(ctx.gw, scoped.key, ownTest.body.id)).status === 'delivered');
    const replayed = await ctx.http.post(`/v1/webhook-deliveries/${ownTest.body.id}/replay`).set(s).expect(202);
    expect(replayed.body.status).toBe('pending');
  });

  it("refuses a channel_id that is not one of the customer's channels of the key's mode, as channel routes do", async () => {
    const { customerId, key } = await ctx.gw.newAccount();
    const own = await newChannel(key);
    const live = await ctx.gw.newKey({ customerId, mode: 'live' });
    const liveChannel = await newChannel(live.key);
    const stranger = await ctx.gw.newAccount();
    const strangers = await newChannel(stranger.key);
    const endpoint = await createEndpoint(ctx.gw, key, { url: 'https://hooks.example.com/refs' });

    for (const [channel, status, code] of [
      [strangers, 404, 'channel_not_found'],
      ['0195d1c2-7a3b-7c4d-8e5f-000000000000', 404, 'channel_not_found'],
      ['chan-9', 404, 'channel_not_found'],
      [liveChannel, 403, 'channel_access_denied'],
    ] as const) {
      for (const res of [
        await ctx.http.post('/v1/webhooks').set(bearer(key)).send({ url: 'https://hooks.example.com/x', channel_id: channel }),
        await ctx.http.patch(`/v1/webhooks/${endpoint.id}`).set(bearer(key)).send({ channel_id: channel }),
      ]) {
        expect({ channel, status: res.status, code: errorCode(res) }).toEqual({ channel, status, code });
      }
    }
    const liveHook = await ctx.http
      .post('/v1/webhooks')
      .set(bearer(live.key))
      .send({ url: 'https://hooks.example.com/y', channel_id: own });
    expect(errorCode(liveHook)).toBe('channel_access_denied');
    expect((await ctx.http.get(`/v1/webhooks/${endpoint.id}`).set(bearer(key)).expect(200)).body.channel_id).toBeNull();

    const pointed = await createEndpoint(ctx.gw, key, { url: 'https://hooks.example.com/own', channel_id: own.toUpperCase() });
    expect(pointed.channel_id).toBe(own);
  });

  it.each([
    ['a user and password', 'https://user:pass@hooks.example.com/hook'],
    ['a user alone', 'https://token@hooks.example.com/hook'],
    ['an empty user with a password', 'https://:secret@hooks.example.com/hook'],
  ])('refuses a URL with credentials in it (%s) on create and update', async (_what, url) => {
    const { key } = await ctx.gw.newAccount();
    const created = await ctx.http.post('/v1/webhooks').set(bearer(key)).send({ url }).expect(400);
    expect(errorCode(created)).toBe('invalid_request');
    expect(created.body.error.details.issues[0].path).toEqual(['url']);
    const endpoint = await createEndpoint(ctx.gw, key, { url: 'https://hooks.example.com/plain' });
    const updated = await ctx.http.patch(`/v1/webhooks/${endpoint.id}`).set(bearer(key)).send({ url }).expect(400);
    expect(updated.body.error.details.issues[0].path).toEqual(['url']);
    expect((await ctx.http.get(`/v1/webhooks/${endpoint.id}`).set(bearer(key)).expect(200)).body.url).toBe(
      'https://hooks.example.com/plain',
    );
  });

  it('lists deliveries newest first, filtered by status and event, and refuses to replay a pending one', async () => {
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    let hold = true;
    receiver.respond = (request) => (request.path === '/listing' && hold ? 500 : 200);
    const endpoint = await createEndpoint(ctx.gw, key, { url: receiver.url('/listing') });
    const first = await ctx.http.post(`/v1/webhooks/${endpoint.id}/test`).set(bearer(key)).expect(202);
    const second = await ctx.http.post(`/v1/webhooks/${endpoint.id}/test`).set(bearer(key)).expect(202);
    expect(errorCode(await ctx.http.post(`/v1/webhook-deliveries/${first.body.id}/replay`).set(bearer(key)).expect(409))).toBe('no_op');
    hold = false;
    await eventually(async () => (await delivery(ctx.gw, key, second.body.id)).status === 'delivered');
    await eventually(async () => (await delivery(ctx.gw, key, first.body.id)).status === 'delivered');

    const all = await ctx.http.get(`/v1/webhooks/${endpoint.id}/deliveries`).set(bearer(key)).expect(200);
    expect(all.body.data.map((d: { id: string }) => d.id)).toEqual([second.body.id, first.body.id]);
    const delivered = await ctx.http
      .get(`/v1/webhooks/${endpoint.id}/deliveries?status=delivered&event=webhook.test`)
      .set(bearer(key))
      .expect(200);
    expect(delivered.body.data).toHaveLength(2);
    const none = await ctx.http.get(`/v1/webhooks/${endpoint.id}/deliveries?event=message.sent`).set(bearer(key)).expect(200);
    expect(none.body.data).toEqual([]);
    const page = await ctx.http.get(`/v1/webhooks/${endpoint.id}/deliveries?limit=1`).set(bearer(key)).expect(200);
    expect(page.body).toMatchObject({ has_more: true, data: [{ id: second.body.id }] });
    receiver.respond = () => 200;
  });
});
