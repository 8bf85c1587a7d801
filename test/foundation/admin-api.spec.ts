import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';

describe('The admin API', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let admin: { Authorization: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    gw = await TestGateway.start(db.prisma);
    admin = bearer(gw.adminToken);
  });
  afterAll(async () => {
    await gw.close();
    await db.drop();
  });

  it('creates a customer on the default plan, and keys that work once and are listed by prefix only', async () => {
    const customer = await gw.http.post('/v1/admin/customers').set(admin).send({ name: 'Acme' }).expect(201);
    expect(customer.body).toMatchObject({ id: expect.stringMatching(/^cus_/), name: 'Acme', plan: 'free' });

    const created = await gw.http
      .post('/v1/admin/keys')
      .set(admin)
      .send({ customer_id: customer.body.id, mode: 'test', name: 'ci' })
      .expect(201);
    expect(created.body.key).toMatch(/^zpk_test_[A-Za-z0-9]{32}$/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 15));
    expect(created.body.status).toBe('active');
    await gw.http.get('/v1/limits').set(bearer(created.body.key)).expect(200);

    const listed = await gw.http.get(`/v1/admin/keys?customer_id=${customer.body.id}`).set(admin).expect(200);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).not.toHaveProperty('key');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    const stored = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(JSON.stringify(stored)).not.toContain(created.body.key.slice(15));
  });

  it('revokes keys idempotently', async () => {
    const { keyId, key } = await gw.newAccount();
    const first = await gw.http.post(`/v1/admin/keys/${keyId}/revoke`).set(admin).expect(200);
    const second = await gw.http.post(`/v1/admin/keys/${keyId}/revoke`).set(admin).expect(200);
    expect(first.body.status).toBe('revoked');
    expect(second.body.revoked_at).toBe(first.body.revoked_at);
    expect(errorCode(await gw.http.get('/v1/limits').set(bearer(key)).expect(401))).toBe('auth_invalid');
    expect(errorCode(await gw.http.post('/v1/admin/keys/key_missing/revoke').set(admin).expect(404))).toBe('not_found');
  });

  it('refuses bad input with invalid_request and unknown customers with not_found', async () => {
    expect(errorCode(await gw.http.post('/v1/admin/customers').set(admin).send({}).expect(400))).toBe('invalid_request');
    expect(errorCode(await gw.http.post('/v1/admin/customers').set(admin).send({ name: 'x', plan: 'nope' }).expect(400))).toBe(
      'invalid_request',
    );
    const { customerId } = await gw.newAccount();
    const badMode = await gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: customerId, mode: 'prod' }).expect(400);
    expect(errorCode(badMode)).toBe('invalid_request');
    const past = await gw.http
      .post('/v1/admin/keys')
      .set(admin)
      .send({ customer_id: customerId, mode: 'live', expires_at: '2020-01-01T00:00:00Z' })
      .expect(400);
    expect(errorCode(past)).toBe('invalid_request');
    const unknown = await gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: 'cus_nope', mode: 'live' }).expect(404);
    expect(errorCode(unknown)).toBe('not_found');
    expect(errorCode(await gw.http.get('/v1/admin/customers/cus_nope').set(admin).expect(404))).toBe('not_found');
  });

  it('manages plans and moves a customer between them', async () => {
    const plans = await gw.http.get('/v1/admin/plans').set(admin).expect(200);
    expect(plans.body.data.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(['free', 'pro', 'unlimited']));
    await gw.http
      .put('/v1/admin/plans/team')
      .set(admin)
      .send({ name: 'Team', channel_limit: 10, rate_limit: { burst: 120, per_second: 2 } })
      .expect(200);
    const { customerId, key } = await gw.newAccount();
    await gw.http.patch(`/v1/admin/customers/${customerId}`).set(admin).send({ plan: 'team' }).expect(200);
    const limits = await gw.http.get('/v1/limits').set(bearer(key)).expect(200);
    expect(limits.body).toMatchObject({ plan: 'team', channel_limit: 10, rate_limit: { limit: 120, refill_per_second: 2 } });
    expect(errorCode(await gw.http.put('/v1/admin/plans/Bad%20Id').set(admin).send({ name: 'x', channel_limit: 1, rate_limit: { burst: 1, per_second: 1 } }).expect(400))).toBe('invalid_request');
  });

  it('pages through customers with an opaque cursor', async () => {
    for (let i = 0; i < 5; i++) await gw.newCustomer({ name: `page-${i}` });
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const res = await gw.http.get(`/v1/admin/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(admin).expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      for (const c of res.body.data) {
        expect(seen.has(c.id)).toBe(false);
        seen.add(c.id);
      }
      cursor = res.body.next_cursor ?? undefined;
      expect(res.body.has_more).toBe(cursor !== undefined);
    } while (cursor);
    expect(seen.size).toBe(await db.prisma.customer.count());
  });
});
