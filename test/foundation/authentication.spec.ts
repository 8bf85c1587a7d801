import { AUTHENTICATED_KEY_TTL_MS } from '../../src/modules/accounts/recently-authenticated';
import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

describe('Authentication', () => {
  const ctx = useTestContext();

  it('accepts a valid test key and a valid live key', async () => {
    const { customerId, key } = await ctx.newAccount();
    await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    const live = await ctx.gw.newKey({ customerId, mode: 'live' });
    expect(live.key).toMatch(/^zpk_live_[A-Za-z0-9]{32}$/);
    await ctx.http.get('/v1/limits').set(bearer(live.key)).expect(200);
  });

  it('answers auth_missing without an Authorization header', async () => {
    const res = await ctx.http.get('/v1/limits').expect(401);
    expect(errorCode(res)).toBe('auth_missing');
  });

  it('reads the key from the Authorization header only, never from the query or the body', async () => {
    const { key } = await ctx.newAccount();
    expect(errorCode(await ctx.http.get(`/v1/limits?access_token=${key}`).expect(401))).toBe('auth_missing');
    const inBody = await ctx.http.post('/v1/channels').send({ name: 'x', access_token: key }).expect(401);
    expect(errorCode(inBody)).toBe('auth_missing');
  });

  it.each([
    ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare token', 'zpk_test_abc'],
    ['a bearer with two tokens', 'Bearer a b'],
    ['a bearer token that is not an API key', 'Bearer hello'],
    ['a key of the wrong length', 'Bearer zpk_test_short'],
    ['an unknown mode', 'Bearer zpk_prod_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('answers auth_malformed for %s', async (_, header) => {
    const res = await ctx.http.get('/v1/limits').set('Authorization', header).expect(401);
    expect(errorCode(res)).toBe('auth_malformed');
  });

  it('answers auth_invalid for a well-formed key that does not exist', async () => {
    const res = await ctx.http
      .get('/v1/limits')
      .set(bearer(`zpk_test_${'A'.repeat(32)}`))
      .expect(401);
    expect(errorCode(res)).toBe('auth_invalid');
  });

  it('answers auth_invalid for a revoked key', async () => {
    const { keyId, key } = await ctx.newAccount();
    await ctx.http.post(`/v1/admin/keys/${keyId}/revoke`).set(bearer(ctx.gw.adminToken)).expect(200);
    const res = await ctx.http.get('/v1/limits').set(bearer(key)).expect(401);
    expect(errorCode(res)).toBe('auth_invalid');
  });

  it('refuses a key at once when this gateway revokes it right after the key was used', async () => {
    const { keyId, key } = await ctx.newAccount();
    await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    await ctx.http.post(`/v1/admin/keys/${keyId}/revoke`).set(bearer(ctx.gw.adminToken)).expect(200);
    expect(errorCode(await ctx.http.get('/v1/limits').set(bearer(key)).expect(401))).toBe('auth_invalid');
  });

  it('refuses a key revoked by another process once the authentication window has passed', async () => {
    const { keyId, key } = await ctx.newAccount();
    await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    // As a gateway beside this one, or the operator CLI, revokes it: in the database, not in this process.
    await ctx.prisma.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    await new Promise((resolve) => setTimeout(resolve, AUTHENTICATED_KEY_TTL_MS + 10));
    expect(errorCode(await ctx.http.get('/v1/limits').set(bearer(key)).expect(401))).toBe('auth_invalid');
  });

  it("applies a customer's new plan to its keys at once", async () => {
    const { customerId, key } = await ctx.newAccount({ plan: 'free' });
    expect((await ctx.http.get('/v1/limits').set(bearer(key)).expect(200)).body.plan).toBe('free');
    await ctx.http.patch(`/v1/admin/customers/${customerId}`).set(bearer(ctx.gw.adminToken)).send({ plan: 'pro' }).expect(200);
    expect((await ctx.http.get('/v1/limits').set(bearer(key)).expect(200)).body).toMatchObject({ plan: 'pro', channel_limit: 25 });
  });

  it('answers auth_expired for a key past its expiry', async () => {
    const { customerId } = await ctx.newAccount();
    const key = await ctx.gw.newKey({ customerId, expiresAt: new Date(Date.now() + 1500).toISOString() });
    await ctx.http.get('/v1/limits').set(bearer(key.key)).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const res = await ctx.http.get('/v1/limits').set(bearer(key.key)).expect(401);
    expect(errorCode(res)).toBe('auth_expired');
  });

  it('refuses a channel-scoped key on another channel with channel_scoped_key', async () => {
    const { customerId, key } = await ctx.newAccount();
    const [channelA, channelB] = [
      (await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'a' }).expect(201)).body.id,
      (await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'b' }).expect(201)).body.id,
    ];
    const scoped = await ctx.gw.newKey({ customerId, channelId: channelA });
    const refused = await ctx.http
      .post('/v1/support/tickets')
      .set(bearer(scoped.key))
      .send({ subject: 'help', body: 'about b', channel_id: channelB })
      .expect(403);
    expect(errorCode(refused)).toBe('channel_scoped_key');
    const allowed = await ctx.http
      .post('/v1/support/tickets')
      .set(bearer(scoped.key))
      .send({ subject: 'help', body: 'about a' })
      .expect(201);
    expect(allowed.body.channel_id).toBe(channelA);
  });

  it('keeps the admin API for the operator token only', async () => {
    const { key } = await ctx.newAccount();
    expect(errorCode(await ctx.http.get('/v1/admin/customers').expect(401))).toBe('auth_missing');
    expect(errorCode(await ctx.http.get('/v1/admin/customers').set(bearer(key)).expect(401))).toBe('auth_invalid');
    await ctx.http.get('/v1/admin/customers').set(bearer(ctx.gw.adminToken)).expect(200);
  });

  it("never lets one customer read another customer's tickets or audit events", async () => {
    const a = await ctx.newAccount();
    const b = await ctx.newAccount();
    const ticket = await ctx.http.post('/v1/support/tickets').set(bearer(a.key)).send({ subject: 's', body: 'b' }).expect(201);
    await ctx.gw.flushAudit();
    expect(errorCode(await ctx.http.get(`/v1/support/tickets/${ticket.body.id}`).set(bearer(b.key)).expect(404))).toBe('not_found');
    const bTickets = await ctx.http.get('/v1/support/tickets').set(bearer(b.key)).expect(200);
    expect(bTickets.body.data).toEqual([]);
    const bAudit = await ctx.http.get('/v1/audit-events').set(bearer(b.key)).expect(200);
    expect(bAudit.body.data).toEqual([]);
    const aAudit = await ctx.http.get('/v1/audit-events').set(bearer(a.key)).expect(200);
    expect(aAudit.body.data.map((e: { action: string }) => e.action)).toEqual(['support_ticket.create']);
  });
});
