import { SessionEvent, SessionManager } from '../../src/engine/session-manager';
import { currentRequest } from '../../src/platform/logging/request-context';
import { ChannelClient } from '../support/channels';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { useTestContext } from '../support/context';

/**
 * The logging context an engine event runs in: the request the logs keep in their AsyncLocalStorage (its id,
 * method and URL) is what every log line written during that event would carry.
 */
describe('Engine events and the request that opened the session', () => {
  const ctx = useTestContext();
  let key: string;
  const seen: Array<{ channelId: string; type: SessionEvent['type']; requestLogger: string | null }> = [];

  beforeAll(async () => {
    ({ key } = await ctx.newAccount({ plan: 'unlimited' }));
    const record = (channelId: string, event: SessionEvent) => {
      const request = currentRequest();
      seen.push({ channelId, type: event.type, requestLogger: request ? JSON.stringify(request) : null });
    };
    ctx.gw.app.get(SessionManager).onChannelEvent('lifecycle', record);
    ctx.gw.app.get(SessionManager).onChannelEvent('messages', record);
  });

  it('logs a received message outside the context of the connect call (no request logger of it)', async () => {
    const channels = new ChannelClient(ctx.gw, key);
    const id = await channels.create('context');
    await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).set('X-Request-Id', 'req_connect_context_01').expect(202);
    await channels.waitForStatus(id, 'qr');
    await ctx.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).expect(200);
    await channels.waitForStatus(id, 'connected');
    await ctx.http
      .post(`/v1/sandbox/channels/${id}/inbound`)
      .set(bearer(key))
      .set('X-Request-Id', 'req_inbound_context_01')
      .send({ from: '+15557654321', type: 'text', text: 'hello' })
      .expect(202);

    const events = await eventually(
      async () => seen.filter((event) => event.channelId === id),
      (found) => found.some((event) => event.type === 'message'),
    );
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['qr', 'open', 'message']));
    for (const event of events)
      expect({ type: event.type, requestLogger: event.requestLogger }).toEqual({ type: event.type, requestLogger: null });
  });
});
