import { randomUUID } from 'node:crypto';
import { ChannelAccessGuard } from '../../src/modules/channels/channel-route';
import { ChannelClient } from '../support/channels';
import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

const CONTACT = '+15550001111';
const A_MESSAGE = 'msg_01K00000000000000000000000';

interface DocumentOperation {
  responses: Record<string, { description?: string }>;
}

describe(ChannelAccessGuard.name, () => {
  const ctx = useTestContext();

  describe('readable', () => {
    it('lets a deleted channel be read, and refuses to change it or send on it (channel_unavailable)', async () => {
      const { key } = await ctx.newAccount();
      const id = await new ChannelClient(ctx.gw, key).create('deleted');
      await ctx.http.delete(`/v1/channels/${id}`).set(bearer(key)).expect(200);

      expect((await ctx.http.get(`/v1/channels/${id}`).set(bearer(key)).expect(200)).body.deleted_at).not.toBeNull();
      await ctx.http.get(`/v1/channels/${id}/messages`).set(bearer(key)).expect(200);
      await ctx.http.get(`/v1/channels/${id}/chats`).set(bearer(key)).expect(200);
      await ctx.http.get(`/v1/channels/${id}/media`).set(bearer(key)).expect(200);

      const rename = await ctx.http.patch(`/v1/channels/${id}`).set(bearer(key)).send({ name: 'again' }).expect(409);
      expect(errorCode(rename)).toBe('channel_unavailable');
      expect(rename.body.error.details).toEqual({ deleted_at: expect.any(String) });
      const send = await ctx.http
        .post(`/v1/channels/${id}/messages`)
        .set(bearer(key))
        .send({ type: 'text', to: CONTACT, text: 'hi' })
        .expect(409);
      expect(errorCode(send)).toBe('channel_unavailable');
    });
  });

  describe('accepting', () => {
    it('refuses a send on a channel that is not meant to be connected, naming its state', async () => {
      const { key } = await ctx.newAccount();
      const id = await new ChannelClient(ctx.gw, key).create('pending');
      const send = await ctx.http.post(`/v1/channels/${id}/messages/text`).set(bearer(key)).send({ to: CONTACT, text: 'hi' }).expect(409);
      expect(errorCode(send)).toBe('channel_unavailable');
      expect(send.body.error.details).toEqual({ current_state: 'pending' });
    });
  });

  describe('connected', () => {
    it('refuses a route that needs the live socket on an unpaired channel (channel_unavailable)', async () => {
      const { key } = await ctx.newAccount();
      const id = await new ChannelClient(ctx.gw, key).create('unpaired');
      const profile = await ctx.http
        .get(`/v1/channels/${id}/contacts/${encodeURIComponent(CONTACT)}/profile`)
        .set(bearer(key))
        .expect(409);
      expect(errorCode(profile)).toBe('channel_unavailable');
      expect(profile.body.error.details).toEqual({ current_state: 'pending' });
      const read = await ctx.http.post(`/v1/channels/${id}/messages/${A_MESSAGE}/read`).set(bearer(key)).expect(409);
      expect(errorCode(read)).toBe('channel_unavailable');
    });

    it("reads the route's other ids before the channel's state: a malformed JID is invalid_request on an unpaired channel", async () => {
      const { key } = await ctx.newAccount();
      const id = await new ChannelClient(ctx.gw, key).create('unpaired');
      const profile = await ctx.http.post(`/v1/channels/${id}/contacts/not-a-number/profile`).set(bearer(key)).expect(400);
      expect(errorCode(profile)).toBe('invalid_request');
      expect(profile.body.error.details.issues[0].path).toEqual(['jid']);
    });
  });

  describe('key scope and mode', () => {
    it('refuses a key scoped to another channel (channel_scoped_key), and audits the call under its action and channel', async () => {
      const { customerId, key } = await ctx.newAccount();
      const channels = new ChannelClient(ctx.gw, key);
      const own = await channels.create('own');
      const other = await channels.create('other');
      const scoped = await ctx.gw.newKey({ customerId, channelId: own });

      await ctx.http.get(`/v1/channels/${own}`).set(bearer(scoped.key)).expect(200);
      const refused = await ctx.http.patch(`/v1/channels/${other}`).set(bearer(scoped.key)).send({ name: 'taken' }).expect(403);
      expect(errorCode(refused)).toBe('channel_scoped_key');

      await ctx.gw.flushAudit();
      const audit = await ctx.http.get('/v1/audit-events?limit=100').set(bearer(key)).expect(200);
      const entry = audit.body.data.find((e: { request_id: string }) => e.request_id === refused.headers['x-request-id']);
      expect(entry).toMatchObject({
        action: 'channel.rename',
        channel_id: other,
        status_code: 403,
        outcome: 'failed',
        error_code: 'channel_scoped_key',
      });
    });

    it('refuses a live key on a test channel (channel_access_denied), on channel and sandbox routes', async () => {
      const { customerId, key } = await ctx.newAccount();
      const id = await new ChannelClient(ctx.gw, key).create('sandbox');
      const live = await ctx.gw.newKey({ customerId, mode: 'live' });
      expect(errorCode(await ctx.http.get(`/v1/channels/${id}`).set(bearer(live.key)).expect(403))).toBe('channel_access_denied');
      expect(errorCode(await ctx.http.get(`/v1/channels/${id}/events`).set(bearer(live.key)).expect(403))).toBe('channel_access_denied');
      // The sandbox refuses live keys before it looks at the channel, whichever the path names.
      const sandbox = await ctx.http.post(`/v1/sandbox/channels/${randomUUID()}/drop`).set(bearer(live.key)).expect(403);
      expect(errorCode(sandbox)).toBe('channel_access_denied');
      expect(sandbox.body.error.details).toEqual({ key_mode: 'live' });
    });
  });

  describe('the channel parameter', () => {
    it('answers channel_not_found for an unknown or malformed id, and invalid_request for text that cannot be stored', async () => {
      const { key } = await ctx.newAccount();
      expect(errorCode(await ctx.http.get(`/v1/channels/${randomUUID()}`).set(bearer(key)).expect(404))).toBe('channel_not_found');
      expect(errorCode(await ctx.http.get('/v1/channels/not-a-channel/chats').set(bearer(key)).expect(404))).toBe('channel_not_found');
      const unstorable = await ctx.http.get('/v1/channels/a%00b/messages').set(bearer(key)).expect(400);
      expect(errorCode(unstorable)).toBe('invalid_request');
      expect(unstorable.body.error.details.issues[0].path).toEqual(['channelId']);
    });

    it('is looked at only after authentication', async () => {
      expect(errorCode(await ctx.http.get(`/v1/channels/${randomUUID()}`).expect(401))).toBe('auth_missing');
    });
  });

  describe('the OpenAPI document', () => {
    it('declares channel_unavailable exactly on the routes whose need can raise it', async () => {
      const document = (await ctx.http.get('/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, DocumentOperation>>;
      };
      const declares = (path: string, method: string) =>
        document.paths[path][method].responses['409']?.description?.includes('`channel_unavailable`') ?? false;
      expect({
        read: declares('/v1/channels/{channelId}', 'get'),
        history: declares('/v1/channels/{channelId}/messages', 'get'),
        stream: declares('/v1/channels/{channelId}/events', 'get'),
        rename: declares('/v1/channels/{channelId}', 'patch'),
        send: declares('/v1/channels/{channelId}/messages', 'post'),
        profile: declares('/v1/channels/{channelId}/contacts/{jid}/profile', 'get'),
      }).toEqual({ read: false, history: false, stream: false, rename: true, send: true, profile: true });
      for (const [path, item] of Object.entries(document.paths).filter(
        ([path]) => path.includes('{channelId}') && !path.startsWith('/v1/admin'),
      )) {
        for (const [method, operation] of Object.entries(item)) {
          const codes = Object.values(operation.responses)
            .map((r) => r.description ?? '')
            .join(' ');
          for (const code of ['channel_not_found', 'channel_scoped_key', 'channel_access_denied']) {
            expect({ operation: `${method} ${path}`, code, declared: codes.includes(`\`${code}\``) }).toEqual({
              operation: `${method} ${path}`,
              code,
              declared: true,
            });
          }
        }
      }
    });
  });
});
