import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { communitiesOf, sandboxCommunitiesOf } from './support/communities';

/**
 * The sandbox's community routes: a simulated admin creates a community with the channel in it (and a group
 * inside it), adds or removes people; the channel hears of it as it would from WhatsApp. Test keys only.
 */
describe('Sandbox communities', () => {
  const ctx = useTestContext();

  it('a simulated admin adds the channel to a community, which the channel then reads and hears of', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const sandbox = sandboxCommunitiesOf(channel);
    const [ana, ben] = [newPhone(), newPhone()];

    const created = await sandbox
      .post('', { from: ana, subject: 'Block party', participants: [ben], group: { subject: 'Food' } })
      .expect(201);
    const { community_id: id, announcement_group_id: announcement, group_ids: groups } = created.body;
    expect(created.body.participants).toEqual(
      expect.arrayContaining([
        { phone: ana, rank: 'creator' },
        { phone: ben, rank: 'member' },
        { phone: channel.phone, rank: 'member' },
      ]),
    );
    expect(groups).toHaveLength(1);

    const read = (await communitiesOf(channel).get(`/${id}`).expect(200)).body;
    expect(read).toMatchObject({ id, subject: 'Block party', is_community: true, announcement_group: { id: announcement } });
    expect(read.subgroups.map((g: { id: string; subject: string }) => [g.id, g.subject])).toEqual([[groups[0], 'Food']]);

    // the channel was added to the community and its announcement group, and created into the group
    const joined = await eventually(
      () => channel.events('group.created'),
      (list) => list.length === 3,
    );
    const byGroup = new Map(joined.map((e) => [e.group_id, e]));
    expect(byGroup.get(id)).toMatchObject({ reason: 'added', author: { phone: ana }, group: { is_community: true } });
    expect(byGroup.get(announcement)).toMatchObject({ reason: 'added', group: { is_community_announcement: true, community_id: id } });
    expect(byGroup.get(groups[0])).toMatchObject({ reason: 'added', group: { subject: 'Food', community_id: id } });

    // removed from the community: out of each of its groups
    const removed = await sandbox.post(`/${id}/participants`, { from: ana, action: 'remove', participants: [channel.phone] }).expect(200);
    expect(removed.body.participants.map((p: { phone: string }) => p.phone)).not.toContain(channel.phone);
    for (const jid of [id, announcement, groups[0]])
      expect(ctx.simulator.group(jid)!.participants.map((p) => p.phone)).not.toContain(digits(channel.phone));
    const events = await eventually(
      () => channel.events('group.participant_removed'),
      (list) => list.length >= 3,
    );
    expect(events.map((e) => e.group_id).sort()).toEqual([id, announcement, groups[0]].sort());
  });

  it('refuses live keys, bad bodies, unknown communities and a member acting as admin', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const sandbox = sandboxCommunitiesOf(channel);
    const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
    const liveRes = await sandboxCommunitiesOf(channel, live.key).post('', { from: newPhone(), subject: 'x' });
    expect(liveRes.status).toBe(403);
    expect(errorCode(await ctx.http.post(`/v1/sandbox/channels/${channel.id}/communities`).send({}).expect(401))).toBe('auth_missing');
    expect(errorCode(await sandbox.post('', { from: 'nobody', subject: 'x' }).expect(400))).toBe('invalid_request');
    expect(errorCode(await sandbox.post('', { from: newPhone() }).expect(400))).toBe('invalid_request');
    expect(
      errorCode(
        await sandbox.post('/not-a-community/participants', { from: newPhone(), action: 'add', participants: [newPhone()] }).expect(400),
      ),
    ).toBe('invalid_request');
    const unknown = await sandbox.post('/120363000000000001@g.us/participants', {
      from: newPhone(),
      action: 'add',
      participants: [newPhone()],
    });
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'not_found']);

    const [ana, ben] = [newPhone(), newPhone()];
    const { community_id: id } = (await sandbox.post('', { from: ana, subject: 'Admins only', participants: [ben] }).expect(201)).body;
    const refused = await sandbox.post(`/${id}/participants`, { from: ben, action: 'remove', participants: [channel.phone] }).expect(403);
    expect(refused.body.error.details.reason).toBe('not_admin');

    const unpaired = await ctx.newChannel();
    const res = await sandboxCommunitiesOf(unpaired).post('', { from: ana, subject: 'x' });
    expect([res.status, errorCode(res)]).toEqual([409, 'channel_unavailable']);
  });
});
