import { useTestContext } from '../support/context';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { groupsOf } from './support/groups';

/**
 * How the group routes refuse: the key (none, another customer's, scoped to another channel, of the other
 * mode), the request (validation, a malformed group id), the channel (no live socket), and WhatsApp itself
 * (not an admin, not a member, an unknown group, privacy), each with a stable code and, for WhatsApp's
 * refusals, a machine-readable `details.reason`.
 */
describe('Groups refusals', () => {
  const ctx = useTestContext();
  const UNKNOWN_GROUP = '120363000000000001@g.us';

  /** A group a contact created with the channel as a plain member. */
  async function memberOfContactGroup() {
    const channel = await ctx.newChannel({ paired: true });
    const [owner, other] = [newPhone(), newPhone()];
    for (const phone of [owner, other]) ctx.simulator.createPhone(digits(phone));
    const group = ctx.simulator.createGroup(digits(owner), 'Not mine', [digits(channel.phone), digits(other)]);
    // only admins edit the group's info (members may, by default)
    ctx.simulator.changeGroupSetting(group.id, digits(owner), { locked: true });
    return { channel, owner, other, id: group.id, api: groupsOf(channel) };
  }

  it('answers the key refusals of every channel route', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const path = `/v1/channels/${channel.id}/groups`;
    expect(errorCode(await ctx.http.get(path).expect(401))).toBe('auth_missing');

    // another customer's channel does not exist for this key
    const stranger = await ctx.newAccount({ plan: 'unlimited' });
    expect(errorCode(await ctx.http.get(path).set(bearer(stranger.key)).expect(404))).toBe('channel_not_found');

    // a key scoped to another channel of the same customer
    const sibling = await ctx.newChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'sibling' });
    const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: sibling.id });
    expect(errorCode(await ctx.http.get(path).set(bearer(scoped.key)).expect(403))).toBe('channel_scoped_key');

    // a live key on a test channel
    const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
    expect(errorCode(await ctx.http.get(path).set(bearer(live.key)).expect(403))).toBe('channel_access_denied');
  });

  it('refuses malformed bodies and group ids before calling WhatsApp', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = groupsOf(channel);
    const cases = [
      api.post('', { participants: ['+15550000001'] }),
      api.post('', { subject: 'x', participants: [] }),
      api.post('', { subject: 'x'.repeat(101), participants: ['+15550000001'] }),
      api.post('', { subject: 'x', participants: ['not a phone'] }),
      api.post('', { subject: 'x', participants: [UNKNOWN_GROUP] }),
      api.put('', { invite_code: 'no spaces allowed' }),
      api.get('/link/bad%20code'),
      api.get('/not-a-group'),
      api.get('/15551234567@s.whatsapp.net'),
      api.put(`/${UNKNOWN_GROUP}`, {}),
      api.patch(`/${UNKNOWN_GROUP}`, { setting: 'send_messages' }),
      api.patch(`/${UNKNOWN_GROUP}`, { setting: 'send_messages', policy: 'nobody' }),
      api.patch(`/${UNKNOWN_GROUP}`, { ephemeral_seconds: 60 }),
      api.patch(`/${UNKNOWN_GROUP}`, { setting: 'send_messages', policy: 'admins', ephemeral_seconds: 0 }),
      api.post(`/${UNKNOWN_GROUP}/participants`, { participants: 'one' }),
      api.put(`/${UNKNOWN_GROUP}/icon`, {}),
      api.get(`/${UNKNOWN_GROUP}/icon?size=huge`),
    ];
    for (const request of cases) {
      const res = await request;
      expect([res.status, errorCode(res)]).toEqual([400, 'invalid_request']);
    }
  });

  it('answers channel_unavailable without a live socket, whatever the group', async () => {
    const unpaired = await ctx.newChannel();
    const api = groupsOf(unpaired);
    const res = await api.get('').expect(409);
    expect(errorCode(res)).toBe('channel_unavailable');
    expect(res.body.error.details).toEqual({ current_state: 'pending' });
    expect(errorCode(await api.post('', { subject: 'x', participants: ['+15550000001'] }).expect(409))).toBe('channel_unavailable');
    // a malformed group id is still the request's fault first
    expect(errorCode(await api.get('/nope').expect(400))).toBe('invalid_request');

    const stopped = await ctx.newChannel({ paired: true });
    await stopped.http.post(`/v1/channels/${stopped.id}/disconnect`).set(bearer(stopped.key)).expect(200);
    await stopped.waitForChannelStatus('stopped_by_user');
    expect(errorCode(await groupsOf(stopped).get(`/${UNKNOWN_GROUP}`).expect(409))).toBe('channel_unavailable');
  });

  it('answers not_found for a group WhatsApp does not know', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const res = await groupsOf(channel).get(`/${UNKNOWN_GROUP}`).expect(404);
    expect(errorCode(res)).toBe('not_found');
    expect(res.body.error.details).toMatchObject({ reason: 'group_not_found' });
  });

  it('refuses admin changes to a plain member with not_admin', async () => {
    const { other, id, api } = await memberOfContactGroup();
    const requests = {
      subject: api.put(`/${id}`, { subject: 'Mine now' }),
      setting: api.patch(`/${id}`, { setting: 'send_messages', policy: 'admins' }),
      invite: api.get(`/${id}/invite`),
      remove: api.delete(`/${id}/participants`, { participants: [other] }),
      promote: api.patch(`/${id}/admins`, { participants: [other] }),
    };
    for (const [name, request] of Object.entries(requests)) {
      const res = await request;
      expect([name, res.status, res.body.error?.code, res.body.error?.details?.reason]).toEqual([name, 403, 'other', 'not_admin']);
    }
    // and nothing changed on WhatsApp
    expect(ctx.simulator.group(id)!.subject).toBe('Not mine');
  });

  it('refuses changes to a group the account left with not_member', async () => {
    const { id, api } = await memberOfContactGroup();
    await api.delete(`/${id}`).expect(200);
    for (const request of [api.get(`/${id}`), api.put(`/${id}`, { subject: 'Back' }), api.delete(`/${id}`)]) {
      const res = await request;
      expect([res.status, errorCode(res), res.body.error.details?.reason]).toEqual([403, 'other', 'not_member']);
    }
  });

  it('reports a privacy refusal per participant, and sends the private invitation when asked', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = groupsOf(channel);
    const [open, shy, shier] = [newPhone(), newPhone(), newPhone()];
    for (const phone of [open, shy, shier]) ctx.simulator.createPhone(digits(phone));
    ctx.simulator.setGroupAddPrivacy(digits(shy), 'nobody');
    ctx.simulator.setGroupAddPrivacy(digits(shier), 'nobody');

    const created = await api.post('', { subject: 'Privacy', participants: [open, shy] }).expect(201);
    const id = created.body.id;
    expect(created.body.failed_participants).toEqual([
      expect.objectContaining({ participant: shy, reason: 'privacy_refused', invite: null }),
    ]);

    const refused = await api.post(`/${id}/participants`, { participants: [shier] }).expect(200);
    expect(refused.body.participants).toEqual([
      expect.objectContaining({ participant: shier, status: 'failed', reason: 'privacy_refused', whatsapp_status: 403, invite: null }),
    ]);
    expect(ctx.simulator.received(digits(shier))).toEqual([]);

    const invited = await api.post(`/${id}/participants`, { participants: [shier], invite_on_refusal: true }).expect(200);
    const [outcome] = invited.body.participants;
    expect(outcome).toMatchObject({ status: 'failed', reason: 'privacy_refused', invite: { message_id: expect.any(String) } });
    const invitation = await ctx.simulator.waitForMessage(digits(shier), (m) => m.id === outcome.invite.message_id);
    expect(invitation.from).toBe(digits(channel.phone));
    expect(ctx.simulator.group(id)!.participants.map((p) => p.phone)).not.toContain(digits(shier));
  });
});
