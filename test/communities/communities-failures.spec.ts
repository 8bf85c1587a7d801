import { useTestContext } from '../support/context';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { groupsOf } from '../groups/support/groups';
import { communitiesOf } from './support/communities';

/**
 * How the community routes refuse: the key (none, another customer's, scoped to another channel, of the other
 * mode), the request (validation, malformed ids), the channel (no live socket), and WhatsApp itself (not an
 * admin, not a member, an unknown community, a group where a community is expected, a setting WhatsApp does
 * not take on a community), each with a stable code and, for WhatsApp's refusals, `details.reason`.
 */
describe('Communities refusals', () => {
  const ctx = useTestContext();
  const UNKNOWN = '120363000000000001@g.us';

  /** A community a contact created, with the channel as a plain member, and a group linked to it. */
  async function memberOfContactCommunity() {
    const channel = await ctx.newChannel({ paired: true });
    const [admin, other] = [newPhone(), newPhone()];
    for (const phone of [admin, other]) ctx.simulator.createPhone(digits(phone));
    const community = ctx.simulator.createCommunity(digits(admin), 'Not mine', null, [digits(channel.phone), digits(other)]);
    const inside = ctx.simulator.createCommunityGroup(community.id, digits(admin), 'Inside', [digits(channel.phone)]);
    return { channel, admin, other, id: community.id, groupId: inside.id, api: communitiesOf(channel) };
  }

  it('answers the key refusals of every route', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const path = `/v1/channels/${channel.id}/communities`;
    expect(errorCode(await ctx.http.get(path).expect(401))).toBe('auth_missing');
    expect(errorCode(await ctx.http.get(path).set(bearer('wiu_test_not-a-real-key-at-all-000000')).expect(401))).toMatch(/^auth_/);

    const stranger = await ctx.newAccount({ plan: 'unlimited' });
    expect(errorCode(await ctx.http.get(path).set(bearer(stranger.key)).expect(404))).toBe('channel_not_found');
    expect(errorCode(await ctx.http.post(path).set(bearer(stranger.key)).send({ subject: 'x' }).expect(404))).toBe('channel_not_found');

    const sibling = await ctx.newChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'sibling' });
    const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: sibling.id });
    expect(errorCode(await ctx.http.get(path).set(bearer(scoped.key)).expect(403))).toBe('channel_scoped_key');
    expect(errorCode(await ctx.http.get(`${path}/${UNKNOWN}`).set(bearer(scoped.key)).expect(403))).toBe('channel_scoped_key');

    const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
    expect(errorCode(await ctx.http.get(path).set(bearer(live.key)).expect(403))).toBe('channel_access_denied');
  });

  it('refuses malformed bodies and ids before calling WhatsApp', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = communitiesOf(channel);
    const cases = [
      api.post('', {}),
      api.post('', { subject: '' }),
      api.post('', { subject: 'x'.repeat(101) }),
      api.post('', { subject: 'x', description: 'y'.repeat(2049) }),
      api.get('/not-a-community'),
      api.get('/15551234567@s.whatsapp.net'),
      api.get(`/${UNKNOWN}/subgroups?limit=0`),
      api.get(`/${UNKNOWN}/subgroups?cursor=forged`),
      api.get('?cursor=forged'),
      api.post(`/${UNKNOWN}`, { participants: ['+15550000001'] }),
      api.post(`/${UNKNOWN}`, { subject: 'x', participants: [] }),
      api.post(`/${UNKNOWN}`, { subject: 'x', participants: ['not a phone'] }),
      api.post(`/${UNKNOWN}/participants`, { participants: [] }),
      api.delete(`/${UNKNOWN}/participants`, {}),
      api.patch(`/${UNKNOWN}/admins`, { participants: 'one' }),
      api.delete(`/${UNKNOWN}/admins`, {}),
      api.patch(`/${UNKNOWN}/settings`, { setting: 'send_messages', policy: 'admins' }),
      api.patch(`/${UNKNOWN}/settings`, { setting: 'edit_group_info', policy: 'nobody' }),
      api.put(`/${UNKNOWN}/not-a-group`),
      api.delete(`/not-a-community/${UNKNOWN}`),
      api.delete('/nope/link'),
    ];
    for (const [index, request] of cases.entries()) {
      const res = await request;
      expect([index, res.status, errorCode(res)]).toEqual([index, 400, 'invalid_request']);
    }
  });

  it('answers channel_unavailable without a live socket', async () => {
    const unpaired = await ctx.newChannel();
    const api = communitiesOf(unpaired);
    const res = await api.get('').expect(409);
    expect([errorCode(res), res.body.error.details]).toEqual(['channel_unavailable', { current_state: 'pending' }]);
    expect(errorCode(await api.post('', { subject: 'x' }).expect(409))).toBe('channel_unavailable');
    expect(errorCode(await api.put(`/${UNKNOWN}/${UNKNOWN}`).expect(409))).toBe('channel_unavailable');
    expect(errorCode(await api.get('/nope').expect(400))).toBe('invalid_request');

    const stopped = await ctx.newChannel({ paired: true });
    await stopped.http.post(`/v1/channels/${stopped.id}/disconnect`).set(bearer(stopped.key)).expect(200);
    await stopped.waitForChannelStatus('stopped_by_user');
    expect(errorCode(await communitiesOf(stopped).get(`/${UNKNOWN}`).expect(409))).toBe('channel_unavailable');
  });

  it('answers not_found for an unknown community, and for a group that is not one', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = communitiesOf(channel);
    const unknown = await api.get(`/${UNKNOWN}`).expect(404);
    expect([errorCode(unknown), unknown.body.error.details.reason]).toEqual(['not_found', 'group_not_found']);

    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact));
    const plain = (
      await groupsOf(channel)
        .post('', { subject: 'Plain', participants: [contact] })
        .expect(201)
    ).body;
    const notCommunity = await api.get(`/${plain.id}`).expect(404);
    expect([errorCode(notCommunity), notCommunity.body.error.details.reason]).toEqual(['not_found', 'not_a_community']);
    // WhatsApp refuses community requests on a plain group as malformed
    const listing = await api.get(`/${plain.id}/subgroups`).expect(400);
    expect([errorCode(listing), listing.body.error.details.reason]).toEqual(['invalid_request', 'whatsapp_bad_request']);

    // a group unknown to the community cannot be unlinked from it
    const { id } = (await api.post('', { subject: 'Mine' }).expect(201)).body;
    const unlinked = await api.delete(`/${id}/${plain.id}`).expect(404);
    expect(unlinked.body.error.details.reason).toBe('group_not_found');
  });

  it('answers not_found on every route naming a community WhatsApp does not know', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = communitiesOf(channel);
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact));
    const plain = (
      await groupsOf(channel)
        .post('', { subject: 'Plain', participants: [contact] })
        .expect(201)
    ).body;
    const requests = {
      get: api.get(`/${UNKNOWN}`),
      subgroups: api.get(`/${UNKNOWN}/subgroups`),
      createGroup: api.post(`/${UNKNOWN}`, { subject: 'Orphan' }),
      link: api.put(`/${UNKNOWN}/${plain.id}`),
      unlink: api.delete(`/${UNKNOWN}/${plain.id}`),
      add: api.post(`/${UNKNOWN}/participants`, { participants: [contact] }),
      remove: api.delete(`/${UNKNOWN}/participants`, { participants: [contact] }),
      promote: api.patch(`/${UNKNOWN}/admins`, { participants: [contact] }),
      demote: api.delete(`/${UNKNOWN}/admins`, { participants: [contact] }),
      setting: api.patch(`/${UNKNOWN}/settings`, { setting: 'edit_group_info', policy: 'admins' }),
      revoke: api.delete(`/${UNKNOWN}/link`),
    };
    const answers: Record<string, unknown[]> = {};
    for (const [name, request] of Object.entries(requests)) {
      const res = await request;
      answers[name] = [res.status, res.body.error?.code, res.body.error?.details?.reason];
    }
    expect(answers).toEqual(Object.fromEntries(Object.keys(requests).map((name) => [name, [404, 'not_found', 'group_not_found']])));
    expect(ctx.simulator.group(plain.id)!.communityId).toBeNull();
  });

  it('refuses admin requests to a plain member with not_admin, and changes nothing', async () => {
    const { other, id, groupId, api } = await memberOfContactCommunity();
    const requests = {
      createGroup: api.post(`/${id}`, { subject: 'Mine now', participants: [other] }),
      add: api.post(`/${id}/participants`, { participants: [newPhone()] }),
      remove: api.delete(`/${id}/participants`, { participants: [other] }),
      promote: api.patch(`/${id}/admins`, { participants: [other] }),
      demote: api.delete(`/${id}/admins`, { participants: [other] }),
      setting: api.patch(`/${id}/settings`, { setting: 'edit_group_info', policy: 'admins' }),
      revoke: api.delete(`/${id}/link`),
      unlink: api.delete(`/${id}/${groupId}`),
    };
    for (const [name, request] of Object.entries(requests)) {
      const res = await request;
      expect([name, res.status, res.body.error?.code, res.body.error?.details?.reason]).toEqual([name, 403, 'other', 'not_admin']);
    }
    const held = ctx.simulator.community(id)!;
    expect([held.groups, held.locked, held.participants.map((p) => p.phone)]).toEqual([
      [groupId],
      false,
      expect.arrayContaining([digits(other)]),
    ]);
  });

  it('refuses a community the account is not in with not_member, and its announcement group from being unlinked', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const admin = newPhone();
    ctx.simulator.createPhone(digits(admin));
    const theirs = ctx.simulator.createCommunity(digits(admin), 'Closed', null);
    const api = communitiesOf(channel);
    for (const request of [
      api.get(`/${theirs.id}`),
      api.get(`/${theirs.id}/subgroups`),
      api.post(`/${theirs.id}/participants`, { participants: [admin] }),
    ]) {
      const res = await request;
      expect([res.status, errorCode(res), res.body.error.details?.reason]).toEqual([403, 'other', 'not_member']);
    }

    const mine = (await api.post('', { subject: 'Mine' }).expect(201)).body;
    const res = await api.delete(`/${mine.id}/${mine.announcement_group.id}`).expect(400);
    expect(res.body.error.details.reason).toBe('whatsapp_bad_request');
    expect(ctx.simulator.community(mine.id)!.announcementGroup).toBe(mine.announcement_group.id);
  });

  it('refuses linking a group already in a community with a conflict', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = communitiesOf(channel);
    const first = (await api.post('', { subject: 'First' }).expect(201)).body;
    const second = (await api.post('', { subject: 'Second' }).expect(201)).body;
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact));
    const inside = (await api.post(`/${first.id}`, { subject: 'Taken', participants: [contact] }).expect(201)).body;
    const res = await api.put(`/${second.id}/${inside.id}`).expect(409);
    expect([errorCode(res), res.body.error.details.reason]).toEqual(['other', 'whatsapp_conflict']);
    expect(ctx.simulator.group(inside.id)!.communityId).toBe(first.id);
  });

  it('keeps customers apart: another customer’s key never reaches this channel’s communities', async () => {
    const { id, channel } = await memberOfContactCommunity();
    const stranger = await ctx.newChannel({ paired: true });
    // the stranger's channel is not in the community, and its key cannot name the first channel
    const res = await communitiesOf(stranger).get(`/${id}`).expect(403);
    expect(res.body.error.details.reason).toBe('not_member');
    const crossed = await ctx.http.get(`/v1/channels/${channel.id}/communities/${id}`).set(bearer(stranger.key)).expect(404);
    expect(errorCode(crossed)).toBe('channel_not_found');
  });
});
