import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

/**
 * `/v1/api-keys`: a customer manages its keys with one of them. A key never creates a key broader than itself
 * (another mode, a later expiry), a channel-scoped key manages none, and only keys of the caller's mode are
 * seen or revoked.
 */
describe('API keys managed with a key', () => {
  const ctx = useTestContext();
  const future = (ms: number) => new Date(Date.now() + ms).toISOString();

  it('creates a key of its own mode, shown once, that works; lists keys by prefix; revokes it', async () => {
    const { key, keyId } = await ctx.newAccount();
    const created = await ctx.http.post('/v1/api-keys').set(bearer(key)).send({ name: 'backend' }).expect(201);
    expect(created.body).toMatchObject({ mode: 'test', name: 'backend', status: 'active', channel_id: null, expires_at: null });
    expect(created.body.key).toMatch(/^zpk_test_[A-Za-z0-9]{32}$/);
    await ctx.http.get('/v1/limits').set(bearer(created.body.key)).expect(200);

    const listed = await ctx.http.get('/v1/api-keys').set(bearer(key)).expect(200);
    expect(listed.body.data.map((k: { id: string }) => k.id).sort()).toEqual([keyId, created.body.id].sort());
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    const revoked = await ctx.http.post(`/v1/api-keys/${created.body.id}/revoke`).set(bearer(key)).expect(200);
    expect(revoked.body.status).toBe('revoked');
    const again = await ctx.http.post(`/v1/api-keys/${created.body.id}/revoke`).set(bearer(key)).expect(200);
    expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
    expect(errorCode(await ctx.http.get('/v1/limits').set(bearer(created.body.key)).expect(401))).toBe('auth_invalid');
  });

  it('refuses without a key, with a malformed or unknown key, and once the key is revoked', async () => {
    expect(errorCode(await ctx.http.get('/v1/api-keys').expect(401))).toBe('auth_missing');
    expect(errorCode(await ctx.http.post('/v1/api-keys').send({}).expect(401))).toBe('auth_missing');
    expect(errorCode(await ctx.http.get('/v1/api-keys').set(bearer('nope')).expect(401))).toBe('auth_malformed');
    expect(
      errorCode(
        await ctx.http
          .post('/v1/api-keys/key_x/revoke')
          .set(bearer(`zpk_test_${'a'.repeat(32)}`))
          .expect(401),
      ),
    ).toBe('auth_invalid');
    // A key may revoke itself; then it is refused like any revoked key.
    const { key, keyId } = await ctx.newAccount();
    await ctx.http.post(`/v1/api-keys/${keyId}/revoke`).set(bearer(key)).expect(200);
    expect(errorCode(await ctx.http.get('/v1/api-keys').set(bearer(key)).expect(401))).toBe('auth_invalid');
  });

  it('never creates a key broader than the caller: another mode, no expiry or a later one', async () => {
    const { key, customerId } = await ctx.newAccount();
    const otherMode = await ctx.http.post('/v1/api-keys').set(bearer(key)).send({ mode: 'live' }).expect(403);
    expect(errorCode(otherMode)).toBe('key_scope_exceeded');
    expect(otherMode.body.error.details).toEqual({ key_mode: 'test', requested_mode: 'live' });

    const live = await ctx.gw.newKey({ customerId, mode: 'live' });
    expect(errorCode(await ctx.http.post('/v1/api-keys').set(bearer(live.key)).send({ mode: 'test' }).expect(403))).toBe(
      'key_scope_exceeded',
    );
    const liveMade = await ctx.http.post('/v1/api-keys').set(bearer(live.key)).send({}).expect(201);
    expect(liveMade.body.mode).toBe('live');

    const expiring = await ctx.gw.newKey({ customerId, expiresAt: future(3_600_000) });
    expect(errorCode(await ctx.http.post('/v1/api-keys').set(bearer(expiring.key)).send({}).expect(403))).toBe('key_scope_exceeded');
    const later = await ctx.http
      .post('/v1/api-keys')
      .set(bearer(expiring.key))
      .send({ expires_at: future(7_200_000) })
      .expect(403);
    expect(errorCode(later)).toBe('key_scope_exceeded');
    const sooner = await ctx.http
      .post('/v1/api-keys')
      .set(bearer(expiring.key))
      .send({ expires_at: future(1_800_000) })
      .expect(201);
    expect(sooner.body.status).toBe('active');
  });

  it('lets a channel-scoped key manage no keys', async () => {
    const channel = await ctx.newChannel();
    const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: channel.id });
    for (const call of [
      ctx.http.get('/v1/api-keys').set(bearer(scoped.key)),
      ctx.http.post('/v1/api-keys').set(bearer(scoped.key)).send({ channel_id: channel.id }),
      ctx.http.post(`/v1/api-keys/${scoped.id}/revoke`).set(bearer(scoped.key)),
    ]) {
      const res = await call.expect(403);
      expect(errorCode(res)).toBe('channel_scoped_key');
    }
  });

  it('scopes a new key to a channel of its customer and mode only', async () => {
    const channel = await ctx.newChannel();
    const scoped = await ctx.http.post('/v1/api-keys').set(bearer(channel.key)).send({ channel_id: channel.id }).expect(201);
    expect(scoped.body.channel_id).toBe(channel.id);
    await ctx.http.get(`/v1/channels/${channel.id}`).set(bearer(scoped.body.key)).expect(200);

    const stranger = await ctx.newChannel();
    expect(errorCode(await ctx.http.post('/v1/api-keys').set(bearer(channel.key)).send({ channel_id: stranger.id }).expect(404))).toBe(
      'channel_not_found',
    );
    const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
    const otherMode = await ctx.http.post('/v1/api-keys').set(bearer(live.key)).send({ channel_id: channel.id }).expect(403);
    expect(errorCode(otherMode)).toBe('channel_access_denied');
  });

  it('refuses bad input with invalid_request', async () => {
    const { key } = await ctx.newAccount();
    for (const body of [
      { mode: 'prod' },
      { name: '' },
      { expires_at: 'tomorrow' },
      { expires_at: '2020-01-01T00:00:00Z' },
      { channel_id: '' },
      { customer_id: 'cus_other' },
    ]) {
      const res = await ctx.http.post('/v1/api-keys').set(bearer(key)).send(body).expect(400);
      expect({ body, code: errorCode(res) }).toEqual({ body, code: 'invalid_request' });
    }
    expect(errorCode(await ctx.http.get('/v1/api-keys?limit=0').set(bearer(key)).expect(400))).toBe('invalid_request');
    expect(errorCode(await ctx.http.get('/v1/api-keys?cursor=forged').set(bearer(key)).expect(400))).toBe('invalid_request');
  });

  it("sees and revokes neither another customer's keys nor its own of the other mode", async () => {
    const { key, customerId } = await ctx.newAccount();
    const other = await ctx.newAccount();
    const live = await ctx.gw.newKey({ customerId, mode: 'live' });
    const listed = await ctx.http.get('/v1/api-keys').set(bearer(key)).expect(200);
    expect(listed.body.data.every((k: { mode: string; customer_id: string }) => k.mode === 'test' && k.customer_id === customerId)).toBe(
      true,
    );
    for (const id of [other.keyId, live.id, 'key_missing', 'not-a-key']) {
      const res = await ctx.http.post(`/v1/api-keys/${id}/revoke`).set(bearer(key)).expect(404);
      expect({ id, code: errorCode(res) }).toEqual({ id, code: 'not_found' });
    }
    await ctx.http.get('/v1/limits').set(bearer(other.key)).expect(200);
    await ctx.http.get('/v1/limits').set(bearer(live.key)).expect(200);
  });
});

describe("The operator's list of every channel", () => {
  const ctx = useTestContext();

  it("lists every customer's channels, by customer and status, with who holds them", async () => {
    const one = await ctx.newChannel({ name: 'one' });
    const two = await ctx.newChannel({ name: 'two' });
    const admin = bearer(ctx.gw.adminToken);
    const all = await ctx.http.get('/v1/admin/channels').set(admin).expect(200);
    expect(all.body.data.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([one.id, two.id]));
    expect(all.body.data.find((c: { id: string }) => c.id === one.id)).toMatchObject({
      customer_id: one.customerId,
      status: 'pending',
      worker_id: null,
      reconnect_attempts: 0,
    });
    const mine = await ctx.http.get('/v1/admin/channels').set(admin).query({ customer_id: two.customerId }).expect(200);
    expect(mine.body.data.map((c: { id: string }) => c.id)).toEqual([two.id]);
    await ctx.http.post(`/v1/admin/channels/${one.id}/disable`).set(admin).expect(200);
    const disabled = await ctx.http.get('/v1/admin/channels').set(admin).query({ status: 'disabled_by_admin' }).expect(200);
    expect(disabled.body.data.map((c: { id: string }) => c.id)).toEqual([one.id]);
    const paged = await ctx.http.get('/v1/admin/channels').set(admin).query({ limit: 1 }).expect(200);
    expect(paged.body).toMatchObject({ has_more: true });
    const next = await ctx.http.get('/v1/admin/channels').set(admin).query({ limit: 1, cursor: paged.body.next_cursor }).expect(200);
    expect(next.body.data[0].id).not.toBe(paged.body.data[0].id);
  });

  it('needs the operator token, and refuses bad filters', async () => {
    expect(errorCode(await ctx.http.get('/v1/admin/channels').expect(401))).toBe('auth_missing');
    const { key } = await ctx.newAccount();
    expect(errorCode(await ctx.http.get('/v1/admin/channels').set(bearer(key)).expect(401))).toBe('auth_invalid');
    const admin = bearer(ctx.gw.adminToken);
    expect(errorCode(await ctx.http.get('/v1/admin/channels').set(admin).query({ status: 'asleep' }).expect(400))).toBe('invalid_request');
    expect(errorCode(await ctx.http.get('/v1/admin/channels').set(admin).query({ cursor: 'forged' }).expect(400))).toBe('invalid_request');
    expect(errorCode(await ctx.http.get('/v1/admin/channels').set(admin).query({ bogus: '1' }).expect(400))).toBe('invalid_request');
  });
});
