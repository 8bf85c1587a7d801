import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { groupsOf, sandboxGroupsOf } from './support/groups';

/**
 * The sandbox's group routes: simulated contacts do what people do on their phones, and the channel hears of
 * it as it would from WhatsApp, events included. Test keys only.
 */
describe('Sandbox groups', () => {
  const ctx = useTestContext();

  it('a contact creates a group with the channel, promotes it, changes the subject and settings, writes, removes it', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const sandbox = sandboxGroupsOf(channel);
    const [ana, ben] = [newPhone(), newPhone()];

    const created = await sandbox.post('', { from: ana, subject: 'Sandbox group', participants: [ben] }).expect(201);
    const id = created.body.group_id;
    expect(created.body.participants).toEqual(
      expect.arrayContaining([
        { phone: ana, rank: 'creator' },
        { phone: ben, rank: 'member' },
        { phone: channel.phone, rank: 'member' },
      ]),
    );
    await eventually(
      () => channel.events('group.created'),
      (list) => list.some((e) => e.group_id === id && e.reason === 'added'),
    );

    await sandbox.post(`/${id}/participants`, { from: ana, action: 'promote', participants: [channel.phone] }).expect(200);
    await sandbox.patch(`/${id}`, { from: ana, subject: 'Renamed by Ana' }).expect(200);
    await sandbox.patch(`/${id}`, { from: ana, setting: 'edit_group_info', policy: 'admins' }).expect(200);
    await sandbox.post(`/${id}/messages`, { from: ben, type: 'text', text: 'hello from ben' }).expect(202);

    const [promoted] = await eventually(
      () => channel.events('group.admin_promoted'),
      (list) => list.length === 1,
    );
    const anaLid = ctx.simulator.phone(digits(ana)).lid;
    expect(promoted).toMatchObject({ group_id: id, author: { id: anaLid, phone: ana }, participants: [{ phone: channel.phone }] });
    const updates = await eventually(
      () => channel.events('group.updated'),
      (list) => list.length === 2,
    );
    expect(updates.map((u) => u.changes)).toEqual([{ subject: 'Renamed by Ana' }, { settings: { edit_group_info: 'admins' } }]);
    await eventually(
      () => channel.events('message.received'),
      (list) => list.some((m) => m.chat_id === id),
    );

    // what the channel reads on WhatsApp agrees
    const group = (await groupsOf(channel).get(`/${id}`).expect(200)).body;
    expect(group).toMatchObject({ subject: 'Renamed by Ana', settings: { edit_group_info: 'admins' } });
    expect(group.participants.find((p: { phone: string }) => p.phone === channel.phone).rank).toBe('admin');

    await sandbox.post(`/${id}/participants`, { from: ana, action: 'remove', participants: [channel.phone] }).expect(200);
    await eventually(
      () => channel.events('group.participant_removed'),
      (list) => list.some((e) => (e.participants as Array<{ phone: string }>)[0].phone === channel.phone),
    );
  });

  it('a contact asks to join a group the channel runs; the channel sees and approves it', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = groupsOf(channel);
    const [ana, cal] = [newPhone(), newPhone()];
    ctx.simulator.createPhone(digits(ana));
    const { id } = (await api.post('', { subject: 'Ask first', participants: [ana] }).expect(201)).body;
    await api.patch(`/${id}`, { setting: 'approve_participants', policy: 'admins' }).expect(200);

    const asked = await sandboxGroupsOf(channel).post(`/${id}/applications`, { from: cal }).expect(200);
    expect(asked.body).toEqual({ group_id: id, from: cal, status: 'pending_approval' });
    const applications = (await api.get(`/${id}/applications`).expect(200)).body.data;
    expect(applications).toEqual([expect.objectContaining({ phone: cal })]);
    await api.post(`/${id}/applications`, { participants: [cal] }).expect(200);
    const [added] = await eventually(
      () => channel.events('group.participant_added'),
      (list) => list.length === 1,
    );
    expect(added).toMatchObject({ group_id: id, participants: [{ phone: cal }] });
  });

  it('refuses what the simulated member may not do, unknown groups and live keys', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const sandbox = sandboxGroupsOf(channel);
    const [ana, ben] = [newPhone(), newPhone()];
    const { group_id: id } = (await sandbox.post('', { from: ana, subject: 'Strict', participants: [ben] }).expect(201)).body;
    await sandbox.patch(`/${id}`, { from: ana, setting: 'edit_group_info', policy: 'admins' }).expect(200);

    // WhatsApp refuses a simulated member as it refuses the channel
    const refused = await sandbox.patch(`/${id}`, { from: ben, subject: 'Mine' }).expect(403);
    expect([errorCode(refused), refused.body.error.details.reason]).toEqual(['other', 'not_admin']);
    expect(errorCode(await sandbox.post('/120363000000000009@g.us/messages', { from: ana, type: 'text', text: 'x' }).expect(404))).toBe(
      'not_found',
    );
    expect(errorCode(await sandbox.post(`/${id}/messages`, { from: newPhone(), type: 'text', text: 'x' }).expect(400))).toBe(
      'invalid_request',
    );

    const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
    const res = await channel.http
      .post(`/v1/sandbox/channels/${channel.id}/groups`)
      .set(bearer(live.key))
      .send({ from: ana, subject: 'x' });
    expect([res.status, errorCode(res)]).toEqual([403, 'channel_access_denied']);
  });
});
