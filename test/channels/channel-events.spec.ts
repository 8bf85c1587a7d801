import { ChannelClient } from '../support/channels';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { SseClient } from '../support/sse';

describe('Channel event streams', () => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase();
    gw = await TestGateway.start(db.prisma);
  });
  afterAll(async () => {
    await gw.close();
    await db.drop();
  });

  it('streams the transitions of a pairing in order, and resumes after Last-Event-ID without a gap', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(gw, key);
    const id = await channels.create();
    const stream = await SseClient.open(gw, `/v1/channels/${id}/events`, key);
    const all = await SseClient.open(gw, '/v1/events', key);
    expect(stream.status).toBe(200);
    try {
      await gw.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
      await channels.waitForStatus(id, 'qr');
      await gw.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({}).expect(200);
      await channels.waitForStatus(id, 'connected');

      const events = await stream.waitFor(5);
      const transitions = events.filter((e) => e.event === 'channel.state_changed').map((e) => `${e.data.payload.from}>${e.data.payload.to}`);
      expect(transitions).toEqual(['pending>connecting', 'connecting>qr', 'qr>connecting', 'connecting>connected']);
      expect(events.map((e) => e.event)).toContain('channel.connected');
      const ids = events.map((e) => BigInt(e.id));
      expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
      expect(events.every((e) => e.data.channel_id === id)).toBe(true);
      expect((await all.waitFor(events.length)).map((e) => e.id)).toEqual(events.map((e) => e.id));

      const resumed = await SseClient.open(gw, `/v1/channels/${id}/events`, key, events[1].id);
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

  it('keeps streams to the customer\'s own channels and refuses a bad Last-Event-ID', async () => {
    const owner = await gw.newAccount();
    const stranger = await gw.newAccount();
    const id = await new ChannelClient(gw, owner.key).create();
    expect(errorCode(await gw.http.get(`/v1/channels/${id}/events`).set(bearer(stranger.key)).expect(404))).toBe('channel_not_found');
    expect(errorCode(await gw.http.get('/v1/events').set(bearer(owner.key)).set('Last-Event-ID', 'abc').expect(400))).toBe('invalid_request');
    expect(errorCode(await gw.http.get('/v1/events').expect(401))).toBe('auth_missing');
  });
});
