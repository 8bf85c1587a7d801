import { ChannelClient } from '../support/channels';
import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every route that takes a channel id, with a body that would be valid. */
const CHANNEL_ROUTES: Array<{ method: 'get' | 'post' | 'patch' | 'delete'; path: string; body?: object }> = [
  { method: 'get', path: '/v1/channels/:id' },
  { method: 'patch', path: '/v1/channels/:id', body: { name: 'x' } },
  { method: 'delete', path: '/v1/channels/:id' },
  { method: 'get', path: '/v1/channels/:id/status' },
  { method: 'post', path: '/v1/channels/:id/connect' },
  { method: 'post', path: '/v1/channels/:id/disconnect' },
  { method: 'post', path: '/v1/channels/:id/logout' },
  { method: 'post', path: '/v1/channels/:id/pair-code', body: { phone_number: '+15550009999' } },
  { method: 'get', path: '/v1/channels/:id/qr' },
  { method: 'post', path: '/v1/sandbox/channels/:id/scan', body: {} },
  { method: 'post', path: '/v1/sandbox/channels/:id/pair-code', body: { code: 'ABCD1234' } },
  { method: 'post', path: '/v1/sandbox/channels/:id/unlink' },
  { method: 'post', path: '/v1/sandbox/channels/:id/drop' },
];

describe('The channels API', () => {
  const ctx = useTestContext();

  const call = (method: string, path: string, key: string, body?: object) => {
    const req = (ctx.http as unknown as Record<string, (p: string) => ReturnType<typeof ctx.http.get>>)[method](path).set(bearer(key));
    return body ? req.send(body) : req;
  };

  it('creates a pending channel with a UUID, lists, reads and renames it', async () => {
    const { key } = await ctx.newAccount();
    const created = await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'support-line' }).expect(201);
    expect(created.body).toMatchObject({ name: 'support-line', mode: 'test', status: 'pending', phone_number: null, deleted_at: null });
    expect(created.body.id).toMatch(UUID);
    const list = await ctx.http.get('/v1/channels').set(bearer(key)).expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    const renamed = await ctx.http.patch(`/v1/channels/${created.body.id}`).set(bearer(key)).send({ name: 'sales' }).expect(200);
    expect(renamed.body.name).toBe('sales');
    const status = await ctx.http.get(`/v1/channels/${created.body.id}/status`).set(bearer(key)).expect(200);
    expect(status.body).toMatchObject({ status: 'pending', reason: null, reconnect_attempts: 0, worker_id: null });
  });

  it('validates names and ids', async () => {
    const { key } = await ctx.newAccount();
    expect(errorCode(await ctx.http.post('/v1/channels').set(bearer(key)).send({}).expect(400))).toBe('invalid_request');
    expect(
      errorCode(
        await ctx.http
          .post('/v1/channels')
          .set(bearer(key))
          .send({ name: 'x'.repeat(101) })
          .expect(400),
      ),
    ).toBe('invalid_request');
    expect(errorCode(await ctx.http.get('/v1/channels/not-a-uuid').set(bearer(key)).expect(404))).toBe('channel_not_found');
    const id = await new ChannelClient(ctx.gw, key).create();
    expect(errorCode(await ctx.http.post(`/v1/channels/${id}/pair-code`).set(bearer(key)).send({ phone_number: 'abc' }).expect(400))).toBe(
      'invalid_request',
    );
  });

  it('enforces the plan channel limit, also under concurrent creates', async () => {
    const { key } = await ctx.newAccount(); // free plan: 3 channels
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        ctx.http
          .post('/v1/channels')
          .set(bearer(key))
          .send({ name: `c${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.status === 403);
    expect(refused).toHaveLength(3);
    expect(errorCode(refused[0])).toBe('plan_channel_limit');
    expect(refused[0].body.error.details).toMatchObject({ channel_limit: 3, channels: 3 });
  });

  it('refuses every invalid transition with the current state in details', async () => {
    const { key } = await ctx.newAccount();
    const id = await new ChannelClient(ctx.gw, key).create();
    for (const action of ['disconnect', 'logout']) {
      const res = await ctx.http.post(`/v1/channels/${id}/${action}`).set(bearer(key)).expect(409);
      expect(errorCode(res)).toBe('invalid_lifecycle_transition');
      expect(res.body.error.details).toMatchObject({ current_state: 'pending' });
    }
    const pair = await ctx.http.post(`/v1/channels/${id}/pair-code`).set(bearer(key)).send({ phone_number: '+15550001234' }).expect(409);
    expect(errorCode(pair)).toBe('pair_code_unavailable');
    expect(errorCode(await ctx.http.get(`/v1/channels/${id}/qr`).set(bearer(key)).expect(409))).toBe('no_qr');
    expect(errorCode(await ctx.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({}).expect(409))).toBe('no_qr');
    expect(errorCode(await ctx.http.post(`/v1/sandbox/channels/${id}/unlink`).set(bearer(key)).expect(409))).toBe('channel_unavailable');

    await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    await new ChannelClient(ctx.gw, key).waitForStatus(id, 'qr');
    const again = await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(409);
    expect(errorCode(again)).toBe('invalid_lifecycle_transition');
    expect(again.body.error.details).toMatchObject({ current_state: 'qr', action: 'connect' });
    await ctx.http.post(`/v1/channels/${id}/disconnect`).set(bearer(key)).expect(200);
  });

  it('keeps tenants apart and holds channel-scoped keys and key modes on every channel route', async () => {
    const owner = await ctx.newAccount();
    const stranger = await ctx.newAccount();
    const id = await new ChannelClient(ctx.gw, owner.key).create();
    const other = await new ChannelClient(ctx.gw, owner.key).create('other');
    const scoped = await ctx.gw.newKey({ customerId: owner.customerId, channelId: other });
    const live = await ctx.gw.newKey({ customerId: owner.customerId, mode: 'live' });
    for (const route of CHANNEL_ROUTES) {
      const path = route.path.replace(':id', id);
      const name = `${route.method.toUpperCase()} ${route.path}`;
      expect({ name, code: errorCode(await call(route.method, path, stranger.key, route.body)) }).toEqual({
        name,
        code: 'channel_not_found',
      });
      expect({ name, code: errorCode(await call(route.method, path, scoped.key, route.body)) }).toEqual({
        name,
        code: 'channel_scoped_key',
      });
      expect({ name, code: errorCode(await call(route.method, path, live.key, route.body)) }).toEqual({
        name,
        code: 'channel_access_denied',
      });
      const unauthenticated = await (ctx.http as unknown as Record<string, (p: string) => ReturnType<typeof ctx.http.get>>)[route.method](
        path,
      );
      expect({ name, code: errorCode(unauthenticated) }).toEqual({ name, code: 'auth_missing' });
    }
    // The scoped key sees only its channel and cannot create more.
    const list = await ctx.http.get('/v1/channels').set(bearer(scoped.key)).expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([other]);
    expect(errorCode(await ctx.http.post('/v1/channels').set(bearer(scoped.key)).send({ name: 'n' }).expect(403))).toBe(
      'channel_scoped_key',
    );
    // A live key lists no test channels.
    expect((await ctx.http.get('/v1/channels').set(bearer(live.key)).expect(200)).body.data).toEqual([]);
  });

  it('soft-deletes: the row and its audit trail stay readable, the name can be reused with a new id', async () => {
    const { key } = await ctx.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(ctx.gw, key);
    const { id } = await channels.paired('to-delete');
    const deleted = await ctx.http.delete(`/v1/channels/${id}`).set(bearer(key)).expect(200);
    expect(deleted.body.deleted_at).not.toBeNull();
    expect(deleted.body.status).toBe('logged_out');
    expect(await ctx.prisma.channelAuthEntry.count({ where: { channelId: id } })).toBe(0);

    expect((await ctx.http.get(`/v1/channels/${id}`).set(bearer(key)).expect(200)).body.deleted_at).not.toBeNull();
    expect((await ctx.http.get('/v1/channels').set(bearer(key)).expect(200)).body.data).toEqual([]);
    const withDeleted = await ctx.http.get('/v1/channels?include_deleted=true').set(bearer(key)).expect(200);
    expect(withDeleted.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(errorCode(await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(409))).toBe('channel_unavailable');

    await ctx.gw.flushAudit();
    const audit = await ctx.http.get('/v1/audit-events?limit=100').set(bearer(key)).expect(200);
    const forChannel = audit.body.data.filter((e: { channel_id: string }) => e.channel_id === id).map((e: { action: string }) => e.action);
    expect(forChannel).toEqual(expect.arrayContaining(['channel.delete', 'channel.connect', 'channel.create', 'channel.state_changed']));
    // Every transition is in the audit log too, as a change the gateway made, tied to the request behind it.
    const transitions = audit.body.data.filter(
      (e: { channel_id: string; action: string }) => e.channel_id === id && e.action === 'channel.state_changed',
    );
    expect(transitions.map((e: { details: { to: string } }) => e.details.to).reverse()).toEqual([
      'connecting',
      'qr',
      'connecting',
      'connected',
      'logged_out',
    ]);
    expect(transitions[0]).toMatchObject({ actor: { type: 'system', api_key_id: null }, method: null, status_code: null });
    const deleteCall = audit.body.data.find(
      (e: { action: string; channel_id: string }) => e.action === 'channel.delete' && e.channel_id === id,
    );
    expect(transitions[0].request_id).toBe(deleteCall.request_id);

    const again = await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'to-delete' }).expect(201);
    expect(again.body.id).not.toBe(id);
  });

  it('lets the operator disable and enable a channel', async () => {
    const { key } = await ctx.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(ctx.gw, key);
    const { id } = await channels.paired('disable-me');
    const admin = bearer(ctx.gw.adminToken);
    expect(errorCode(await ctx.http.post(`/v1/admin/channels/${id}/enable`).set(admin).expect(409))).toBe('not_disabled');
    const disabled = await ctx.http.post(`/v1/admin/channels/${id}/disable`).set(admin).expect(200);
    expect(disabled.body.status).toBe('disabled_by_admin');
    const refused = await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(409);
    expect(errorCode(refused)).toBe('invalid_lifecycle_transition');
    expect(refused.body.error.details.current_state).toBe('disabled_by_admin');
    expect((await ctx.http.post(`/v1/admin/channels/${id}/enable`).set(admin).expect(200)).body.status).toBe('pending');
    await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    await channels.waitForStatus(id, 'connected');
    expect(errorCode(await ctx.http.post(`/v1/admin/channels/${id}/disable`).set(bearer(key)).expect(401))).toBe('auth_invalid');
    expect(errorCode(await ctx.http.post('/v1/admin/channels/00000000-0000-7000-8000-000000000000/disable').set(admin).expect(404))).toBe(
      'channel_not_found',
    );
  });
});
