import { ChannelClient } from '../support/channels';
import { bearer, errorCode } from '../support/http';
import { SseClient } from '../support/sse';
import { useTestContext } from '../support/context';

describe('Channel event streams', () => {
  const ctx = useTestContext();

  it('streams the transitions of a pairing in order, and resumes after Last-Event-ID without a gap', async () => {
    const { key } = await ctx.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(ctx.gw, key);
    const id = await channels.create();
    const stream = await SseClient.open(ctx.gw, `/v1/channels/${id}/events`, key);
    const all = await SseClient.open(ctx.gw, '/v1/events', key);
    expect(stream.status).toBe(200);
    try {
      await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
      await channels.waitForStatus(id, 'qr');
      await ctx.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({}).expect(200);
      await channels.waitForStatus(id, 'connected');

      const events = await stream.waitFor(5);
      const transitions = events
        .filter((e) => e.event === 'channel.state_changed')
        .map((e) => `${String(e.data.payload.from)}>${String(e.data.payload.to)}`);
      expect(transitions).toEqual(['pending>connecting', 'connecting>qr', 'qr>connecting', 'connecting>connected']);
      expect(events.map((e) => e.event)).toContain('channel.connected');
      const ids = events.map((e) => BigInt(e.id));
      expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
      expect(events.every((e) => e.data.channel_id === id)).toBe(true);
      expect((await all.waitFor(events.length)).map((e) => e.id)).toEqual(events.map((e) => e.id));

      const resumed = await SseClient.open(ctx.gw, `/v1/channels/${id}/events`, key, events[1].id);
      try {
        const replay = await resumed.waitFor(events.length - 2);
        expect(replay.map((e) => e.id)).toEqual(events.slice(2).map((e) => e.id));
      } finally {
        resumed.close();
      }
    } finally {
      stream.close();
      all.close();
    }
  });

  it('gives channel events the request that caused them as correlation id, until the engine settles the channel', async () => {
    const { key } = await ctx.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(ctx.gw, key);
    const id = await channels.create();
    const rows = async () =>
      (await ctx.prisma.domainEvent.findMany({ where: { channelId: id }, orderBy: { seq: 'asc' } })).map((row) => {
        const payload = row.payload as { from?: string; to?: string; status?: string };
        return `${row.type === 'channel.state_changed' ? `${payload.from}>${payload.to}` : `${row.type}:${payload.status}`} ${row.correlationId}`;
      });
    const as = (requestId: string) => ({ ...bearer(key), 'X-Request-Id': requestId });

    await ctx.http.post(`/v1/channels/${id}/connect`).set(as('req_connect_caused_1')).expect(202);
    await channels.waitForStatus(id, 'qr');
    await ctx.http.post(`/v1/sandbox/channels/${id}/scan`).set(as('req_scan_caused_01')).send({}).expect(200);
    await channels.waitForStatus(id, 'connected');
    await ctx.http.post(`/v1/sandbox/channels/${id}/drop`).set(as('req_drop_caused_01')).expect(200);
    await channels.waitForStatus(id, 'disconnected');
    await channels.waitForStatus(id, 'connected');
    await ctx.http.post(`/v1/channels/${id}/disconnect`).set(as('req_disconnect_caused')).expect(200);

    expect(await rows()).toEqual([
      'pending>connecting req_connect_caused_1',
      'connecting>qr req_connect_caused_1',
      'qr>connecting req_scan_caused_01',
      'connecting>connected req_scan_caused_01',
      'channel.connected:connected req_scan_caused_01',
      'connected>disconnected req_drop_caused_01',
      'channel.disconnected:disconnected req_drop_caused_01',
      // The automatic reconnect that follows was no request's doing.
      'disconnected>reconnecting null',
      'reconnecting>connected null',
      'channel.connected:connected null',
      'connected>stopped_by_user req_disconnect_caused',
      'channel.disconnected:stopped_by_user req_disconnect_caused',
    ]);
  });

  it("keeps streams to the customer's own channels and refuses a bad Last-Event-ID", async () => {
    const owner = await ctx.newAccount();
    const stranger = await ctx.newAccount();
    const id = await new ChannelClient(ctx.gw, owner.key).create();
    expect(errorCode(await ctx.http.get(`/v1/channels/${id}/events`).set(bearer(stranger.key)).expect(404))).toBe('channel_not_found');
    expect(errorCode(await ctx.http.get('/v1/events').set(bearer(owner.key)).set('Last-Event-ID', 'abc').expect(400))).toBe(
      'invalid_request',
    );
    expect(errorCode(await ctx.http.get('/v1/events').expect(401))).toBe('auth_missing');
  });
});
