import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

describe('The admin API', () => {
  const ctx = useTestContext();
  let admin: { Authorization: string };

  beforeAll(async () => {
    admin = bearer(ctx.gw.adminToken);
  });

  it('creates a customer on the default plan, and keys that work once and are listed by prefix only', async () => {
    const customer = await ctx.http.post('/v1/admin/customers').set(admin).send({ name: 'Acme' }).expect(201);
    expect(customer.body).toMatchObject({ id: expect.stringMatching(/^cus_/), name: 'Acme', plan: 'free' });

    const created = await ctx.http
      .post('/v1/admin/keys')
      .set(admin)
      .send({ customer_id: customer.body.id, mode: 'test', name: 'ci' })
      .expect(201);
    expect(created.body.key).toMatch(/^zpk_test_[A-Za-z0-9]{32}$/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 15));
    expect(created.body.status).toBe('active');
    await ctx.http.get('/v1/limits').set(bearer(created.body.key)).expect(200);

    const listed = await ctx.http.get(`/v1/admin/keys?customer_id=${customer.body.id}`).set(admin).expect(200);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).not.toHaveProperty('key');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    const stored = await ctx.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(JSON.stringify(stored)).not.toContain(created.body.key.slice(15));
  });

  it('revokes keys idempotently', async () => {
    const { keyId, key } = await ctx.newAccount();
    const first = await ctx.http.post(`/v1/admin/keys/${keyId}/revoke`).set(admin).expect(200);
    const second = await ctx.http.post(`/v1/admin/keys/${keyId}/revoke`).set(admin).expect(200);
    expect(first.body.status).toBe('revoked');
    expect(second.body.revoked_at).toBe(first.body.revoked_at);
    expect(errorCode(await ctx.http.get('/v1/limits').set(bearer(key)).expect(401))).toBe('auth_invalid');
    expect(errorCode(await ctx.http.post('/v1/admin/keys/key_missing/revoke').set(admin).expect(404))).toBe('not_found');
  });

  it('refuses bad input with invalid_request and unknown customers with not_found', async () => {
    expect(errorCode(await ctx.http.post('/v1/admin/customers').set(admin).send({}).expect(400))).toBe('invalid_request');
    expect(errorCode(await ctx.http.post('/v1/admin/customers').set(admin).send({ name: 'x', plan: 'nope' }).expect(400))).toBe(
      'invalid_request',
    );
    const { customerId } = await ctx.newAccount();
    const badMode = await ctx.http.post('/v1/admin/keys').set(admin).send({ customer_id: customerId, mode: 'prod' }).expect(400);
    expect(errorCode(badMode)).toBe('invalid_request');
    const past = await ctx.http
      .post('/v1/admin/keys')
      .set(admin)
      .send({ customer_id: customerId, mode: 'live', expires_at: '2020-01-01T00:00:00Z' })
      .expect(400);
    expect(errorCode(past)).toBe('invalid_request');
    const unknown = await ctx.http.post('/v1/admin/keys').set(admin).send({ customer_id: 'cus_nope', mode: 'live' }).expect(404);
    expect(errorCode(unknown)).toBe('not_found');
    expect(errorCode(await ctx.http.get('/v1/admin/customers/cus_nope').set(admin).expect(404))).toBe('not_found');
  });

  it('manages plans and moves a customer between them', async () => {
    const plans = await ctx.http.get('/v1/admin/plans').set(admin).expect(200);
    expect(plans.body.data.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(['free', 'pro', 'unlimited']));
    await ctx.http
      .put('/v1/admin/plans/team')
      .set(admin)
      .send({ name: 'Team', channel_limit: 10, rate_limit: { burst: 120, per_second: 2 } })
      .expect(200);
    const { customerId, key } = await ctx.newAccount();
    await ctx.http.patch(`/v1/admin/customers/${customerId}`).set(admin).send({ plan: 'team' }).expect(200);
    const limits = await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    expect(limits.body).toMatchObject({ plan: 'team', channel_limit: 10, rate_limit: { limit: 120, refill_per_second: 2 } });
    expect(
      errorCode(
        await ctx.http
          .put('/v1/admin/plans/Bad%20Id')
          .set(admin)
          .send({ name: 'x', channel_limit: 1, rate_limit: { burst: 1, per_second: 1 } })
          .expect(400),
      ),
    ).toBe('invalid_request');
  });

  it('refuses plan limits outside what the database and the rate limiter hold', async () => {
    const plan = (changes: { channel_limit?: number; burst?: number; per_second?: number }) => ({
      name: 'Edge',
      channel_limit: changes.channel_limit ?? 1,
      rate_limit: { burst: changes.burst ?? 10, per_second: changes.per_second ?? 1 },
    });
    for (const [changes, field] of [
      [{ burst: 2 ** 31 }, 'rate_limit.burst'],
      [{ channel_limit: 2 ** 31 }, 'channel_limit'],
      [{ per_second: 1e-300 }, 'rate_limit.per_second'],
      [{ per_second: 0.0009 }, 'rate_limit.per_second'],
      [{ per_second: 1e7 }, 'rate_limit.per_second'],
    ] as const) {
      const res = await ctx.http.put('/v1/admin/plans/edge').set(admin).send(plan(changes));
      expect({ changes, status: res.status, code: errorCode(res) }).toEqual({ changes, status: 400, code: 'invalid_request' });
      expect(res.body.error.details.issues[0].path.join('.')).toBe(field);
    }
    expect(await ctx.prisma.plan.findUnique({ where: { id: 'edge' } })).toBeNull();
  });

  it.each([
    ['the largest burst and channel limit at the slowest refill', { channel_limit: 2 ** 31 - 1, burst: 2 ** 31 - 1, per_second: 0.001 }],
    ['a burst of one at the fastest refill', { channel_limit: 0, burst: 1, per_second: 1_000_000 }],
  ])('serves requests on a plan with %s', async (_what, limits) => {
    const id = `bounds-${limits.burst}`;
    await ctx.http
      .put(`/v1/admin/plans/${id}`)
      .set(admin)
      .send({ name: 'Bounds', channel_limit: limits.channel_limit, rate_limit: { burst: limits.burst, per_second: limits.per_second } })
      .expect(200);
    const { key } = await ctx.newAccount({ plan: id });
    for (let i = 0; i < 3; i++) await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(200);
    const limitsRes = await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    expect(limitsRes.body).toMatchObject({ plan: id, rate_limit: { limit: limits.burst, refill_per_second: limits.per_second } });
  });

  it("refuses a key scoped to a channel that is not the customer's, or of the key's other mode", async () => {
    const owner = await ctx.newAccount();
    const testChannel = (await ctx.http.post('/v1/channels').set(bearer(owner.key)).send({ name: 't' }).expect(201)).body.id as string;
    const live = await ctx.gw.newKey({ customerId: owner.customerId, mode: 'live' });
    const liveChannel = (await ctx.http.post('/v1/channels').set(bearer(live.key)).send({ name: 'l' }).expect(201)).body.id as string;
    const stranger = await ctx.newAccount();
    const strangersChannel = (await ctx.http.post('/v1/channels').set(bearer(stranger.key)).send({ name: 's' }).expect(201)).body
      .id as string;
    const mint = (mode: 'live' | 'test', channel_id: string) =>
      ctx.http.post('/v1/admin/keys').set(admin).send({ customer_id: owner.customerId, mode, channel_id });

    for (const [mode, channel, status, code] of [
      ['test', strangersChannel, 404, 'channel_not_found'],
      ['test', '0195d1c2-7a3b-7c4d-8e5f-000000000000', 404, 'channel_not_found'],
      ['test', 'chan-9', 404, 'channel_not_found'],
      ['test', liveChannel, 403, 'channel_access_denied'],
      ['live', testChannel, 403, 'channel_access_denied'],
    ] as const) {
      const res = await mint(mode, channel);
      expect({ channel, status: res.status, code: errorCode(res) }).toEqual({ channel, status, code });
    }
    expect(await ctx.prisma.apiKey.count({ where: { customerId: owner.customerId, channelId: { not: null } } })).toBe(0);

    const scoped = await mint('test', testChannel.toUpperCase()).expect(201);
    expect(scoped.body.channel_id).toBe(testChannel);
    await ctx.http.get(`/v1/channels/${testChannel}`).set(bearer(scoped.body.key)).expect(200);
  });

  it('pages through customers with an opaque cursor', async () => {
    for (let i = 0; i < 5; i++) await ctx.gw.newCustomer({ name: `page-${i}` });
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const res = await ctx.http
        .get(`/v1/admin/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(admin)
        .expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      for (const c of res.body.data) {
        expect(seen.has(c.id)).toBe(false);
        seen.add(c.id);
      }
      cursor = res.body.next_cursor ?? undefined;
      expect(res.body.has_more).toBe(cursor !== undefined);
    } while (cursor);
    expect(seen.size).toBe(await ctx.prisma.customer.count());
  });
});
