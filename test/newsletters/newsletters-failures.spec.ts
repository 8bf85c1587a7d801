import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { newslettersOf } from './support/newsletters';

/**
 * How the newsletter routes refuse: the key (none, another customer's, scoped to another channel, of the other
 * mode), the request (validation, malformed ids), the channel (no live socket), and WhatsApp itself (unknown
 * newsletter, not its admin or owner, already following, a reaction it does not allow), each with a stable
 * code and, for WhatsApp's refusals, a machine-readable `details.reason`.
 */
describe('Newsletters refusals', () => {
  const ctx = useTestContext();
  const UNKNOWN = '120363400000000001@newsletter';

  /** A contact's newsletter the channel follows. */
  async function followerOfContactNewsletter() {
    const channel = await ctx.newChannel({ paired: true });
    const owner = newPhone();
    ctx.simulator.createPhone(digits(owner));
    const news = ctx.simulator.createNewsletter(digits(owner), 'Not mine');
    const api = newslettersOf(channel);
    await api.post(`/${news.id}/subscription`).expect(200);
    return { channel, owner, news, api };
  }

  it('answers the key refusals of every channel route', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const path = `/v1/channels/${channel.id}/newsletters`;
    expect(errorCode(await ctx.http.get(path).expect(401))).toBe('auth_missing');
    expect(errorCode(await ctx.http.get(path).set(bearer('wiu_test_not_a_real_key')).expect(401))).toMatch(/^auth_/);

    const stranger = await ctx.newAccount({ plan: 'unlimited' });
    expect(errorCode(await ctx.http.get(path).set(bearer(stranger.key)).expect(404))).toBe('channel_not_found');

    const sibling = await ctx.newChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'sibling' });
    const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: sibling.id });
    expect(errorCode(await ctx.http.get(path).set(bearer(scoped.key)).expect(403))).toBe('channel_scoped_key');
    expect(
      errorCode(await ctx.http.post(`${path}/${UNKNOWN}/messages`).set(bearer(scoped.key)).send({ type: 'text', text: 'x' }).expect(403)),
    ).toBe('channel_scoped_key');

    const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
    expect(errorCode(await ctx.http.post(path).set(bearer(live.key)).send({ name: 'x' }).expect(403))).toBe('channel_access_denied');
  });

  it('refuses malformed bodies and ids before calling WhatsApp', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const cases = [
      api.post('', {}),
      api.post('', { name: '   ' }),
      api.post('', { name: 'x'.repeat(101) }),
      api.post('', { name: 'x', picture: {} }),
      api.get('/not-a-newsletter'),
      api.get('/120363400000000001@g.us'),
      api.get('/link/bad%20code'),
      api.post('/invite/bad%20code/subscription'),
      api.patch(`/${UNKNOWN}`, {}),
      api.patch(`/${UNKNOWN}`, { reactions: 'some' }),
      api.delete(`/${UNKNOWN}/admins/not-a-phone`),
      api.get(`/${UNKNOWN}/messages?limit=0`),
      api.get(`/${UNKNOWN}/messages?cursor=forged`),
      api.post(`/${UNKNOWN}/messages`, { type: 'text' }),
      api.post(`/${UNKNOWN}/messages`, { type: 'bogus', text: 'x' }),
      api.put(`/${UNKNOWN}/messages/0/reaction`, { emoji: '👍' }),
      api.put(`/${UNKNOWN}/messages/abc/reaction`, { emoji: '👍' }),
      api.put(`/${UNKNOWN}/messages/100/reaction`, {}),
      api.get('?cursor=forged'),
      api.get('?limit=0'),
      api.delete('/invite/bad%20code/subscription'),
      api.delete('/not-a-newsletter'),
      api.post('/not-a-newsletter/subscription'),
      api.delete('/not-a-newsletter/subscription'),
      api.post('/not-a-newsletter/mute'),
      api.delete('/not-a-newsletter/mute'),
      api.delete(`/${UNKNOWN}/messages/abc/reaction`),
      api.patch(`/${UNKNOWN}`, { picture: { media_id: 'x', source_url: 'https://example.com/a.png' } }),
    ];
    for (const [index, request] of cases.entries()) {
      const res = await request;
      expect([index, res.status, errorCode(res)]).toEqual([index, 400, 'invalid_request']);
    }
  });

  it('answers channel_unavailable without a live socket, a malformed id still being the request’s fault', async () => {
    const unpaired = await ctx.newChannel();
    const api = newslettersOf(unpaired);
    const res = await api.get('').expect(409);
    expect(errorCode(res)).toBe('channel_unavailable');
    expect(errorCode(await api.post('', { name: 'x' }).expect(409))).toBe('channel_unavailable');
    expect(errorCode(await api.post(`/${UNKNOWN}/messages`, { type: 'text', text: 'x' }).expect(409))).toBe('channel_unavailable');
    expect(errorCode(await api.get('/nope').expect(400))).toBe('invalid_request');

    const stopped = await ctx.newChannel({ paired: true });
    await stopped.http.post(`/v1/channels/${stopped.id}/disconnect`).set(bearer(stopped.key)).expect(200);
    await stopped.waitForChannelStatus('stopped_by_user');
    expect(errorCode(await newslettersOf(stopped).get(`/${UNKNOWN}`).expect(409))).toBe('channel_unavailable');
  });

  it('answers not_found for a newsletter, invite code, post or admin WhatsApp does not know', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const { id } = (await api.post('', { name: 'Mine' }).expect(201)).body;
    const requests = [
      api.get(`/${UNKNOWN}`),
      api.get('/link/NoSuchInviteCode123'),
      api.post('/invite/NoSuchInviteCode123/subscription'),
      api.post(`/${UNKNOWN}/subscription`),
      api.get(`/${UNKNOWN}/messages`),
      api.put(`/${id}/messages/999/reaction`, { emoji: '👍' }),
      api.delete(`/${id}/admins/+15550009999`),
      api.patch(`/${UNKNOWN}`, { name: 'x' }),
      api.delete(`/${UNKNOWN}`),
      api.delete(`/${UNKNOWN}/subscription`),
      api.post(`/${UNKNOWN}/mute`),
      api.delete(`/${UNKNOWN}/mute`),
      api.post(`/${UNKNOWN}/messages`, { type: 'text', text: 'x' }),
      api.delete(`/${id}/messages/999/reaction`),
      api.delete('/invite/NoSuchInviteCode123/subscription'),
    ];
    for (const [index, request] of requests.entries()) {
      const res = await request;
      expect([index, res.status, errorCode(res), res.body.error.details?.reason]).toEqual([
        index,
        404,
        'not_found',
        'newsletter_not_found',
      ]);
    }
  });

  it('refuses an owner’s changes to a follower with not_admin, and posts from a follower before sending', async () => {
    const { news, api, channel } = await followerOfContactNewsletter();
    const requests = {
      update: api.patch(`/${news.id}`, { name: 'Mine now' }),
      delete: api.delete(`/${news.id}`),
      demote: api.delete(`/${news.id}/admins/+15550001234`),
      post: api.post(`/${news.id}/messages`, { type: 'text', text: 'hijack' }),
    };
    for (const [name, request] of Object.entries(requests)) {
      const res = await request;
      expect([name, res.status, res.body.error?.code, res.body.error?.details?.reason]).toEqual([name, 403, 'other', 'not_admin']);
    }
    expect(ctx.simulator.newsletter(news.id)).toMatchObject({ name: 'Not mine', posts: [] });

    // the send route takes the post, and WhatsApp refuses it: the message fails, nothing reaches the newsletter
    const sent = await channel.send({ type: 'text', to: news.id, text: 'hijack' });
    const failed = await eventually(
      () => channel.message(sent.body.message_id),
      (m) => m.status === 'failed',
    );
    expect(failed).toMatchObject({ chat_id: news.id, status: 'failed' });
    expect(ctx.simulator.newsletter(news.id)!.posts).toEqual([]);
  });

  it('answers 409 when already following, or not following, and 403 when the owner would leave', async () => {
    const { news, api } = await followerOfContactNewsletter();
    let res = await api.post(`/${news.id}/subscription`).expect(409);
    expect([errorCode(res), res.body.error.details.reason]).toEqual(['other', 'already_following']);
    await api.delete(`/${news.id}/subscription`).expect(200);
    res = await api.delete(`/${news.id}/subscription`).expect(409);
    expect(res.body.error.details.reason).toBe('not_following');
    res = await api.post(`/${news.id}/mute`).expect(409);
    expect(res.body.error.details.reason).toBe('not_following');

    const { id } = (await api.post('', { name: 'Mine' }).expect(201)).body;
    res = await api.delete(`/${id}/subscription`).expect(403);
    expect(res.body.error.details.reason).toBe('not_allowed');
  });

  it('refuses a reaction the newsletter does not allow, and reactions sent as messages', async () => {
    const { news, owner, api, channel } = await followerOfContactNewsletter();
    const post = ctx.simulator.postToNewsletter(digits(owner), news.id, { type: 'text', text: 'React!' });
    ctx.simulator.updateNewsletter(digits(owner), news.id, { reactionCodes: 'BASIC' });
    const res = await api.put(`/${news.id}/messages/${post.serverId}/reaction`, { emoji: '🦄' }).expect(400);
    expect([errorCode(res), res.body.error.details.reason]).toEqual(['invalid_request', 'whatsapp_bad_request']);
    await api.put(`/${news.id}/messages/${post.serverId}/reaction`, { emoji: '👍' }).expect(200);

    const asMessage = await channel.send({ type: 'reaction', to: news.id, reaction: { message_id: 'msg_whatever', emoji: '👍' } }, 400);
    expect(asMessage.body.error.details.reason).toBe('newsletter_reaction');
  });
});
