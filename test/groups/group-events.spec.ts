import sharp from 'sharp';
import { useTestContext } from '../support/context';
import { SseClient } from '../support/sse';
import { Receiver } from '../webhooks/support/receiver';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { groupsOf } from './support/groups';

/**
 * The group events, from what WhatsApp (the simulator) announces to the channel: each type with its payload
 * (checked against its schema by `channel.events`), and none from refreshing the group list.
 */
describe('Group events', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });

  const member = (phone: string) => ({ id: ctx.simulator.phone(digits(phone)).lid, phone, lid: ctx.simulator.phone(digits(phone)).lid });
  const author = (phone: string) => ({ id: ctx.simulator.phone(digits(phone)).lid, phone });

  it('group.created: a group this account created, and one it was added to', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const [ana, ben] = [newPhone(), newPhone()];
    for (const phone of [ana, ben]) ctx.simulator.createPhone(digits(phone));

    const created = (
      await groupsOf(channel)
        .post('', { subject: 'Mine', participants: [ana] })
        .expect(201)
    ).body;
    const added = ctx.simulator.createGroup(digits(ben), 'Theirs', [digits(channel.phone), digits(ana)]);

    const events = await eventually(
      () => channel.events('group.created'),
      (list) => list.length === 2,
    );
    const byGroup = new Map(events.map((payload) => [payload.group_id, payload]));
    expect(byGroup.get(created.id)).toMatchObject({ reason: 'created', group: { id: created.id, subject: 'Mine' } });
    expect(byGroup.get(added.id)).toMatchObject({
      reason: 'added',
      author: author(ben),
      group: { id: added.id, subject: 'Theirs', owner_phone: ben },
    });
    expect((byGroup.get(added.id)!.group as { participants: unknown[] }).participants).toContainEqual({ ...member(ana), rank: 'member' });
  });

  it('group.updated: only what changed, with its author', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const ana = newPhone();
    ctx.simulator.createPhone(digits(ana));
    const api = groupsOf(channel);
    const { id } = (await api.post('', { subject: 'Before', participants: [ana] }).expect(201)).body;

    await api.put(`/${id}`, { subject: 'After' }).expect(200);
    await api.patch(`/${id}`, { setting: 'send_messages', policy: 'admins' }).expect(200);
    await api.patch(`/${id}`, { ephemeral_seconds: 604_800 }).expect(200);
    await api.put(`/${id}`, { description: 'Now described' }).expect(200);

    const updates = await eventually(
      () => channel.events('group.updated'),
      (list) => list.length >= 4,
    );
    const self = author(channel.phone);
    expect(updates).toEqual([
      { group_id: id, author: self, changed: ['subject'], changes: { subject: 'After' } },
      { group_id: id, author: self, changed: ['settings'], changes: { settings: { send_messages: 'admins' } } },
      { group_id: id, author: self, changed: ['ephemeral_seconds'], changes: { ephemeral_seconds: 604_800 } },
      { group_id: id, author: self, changed: ['description'], changes: { description: 'Now described' } },
    ]);
  });

  it('group.updated for the icon and a revoked invite link', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const ana = newPhone();
    ctx.simulator.createPhone(digits(ana));
    const api = groupsOf(channel);
    const { id } = (await api.post('', { subject: 'Pictures', participants: [ana] }).expect(201)).body;
    const jpeg = await sharp({ create: { width: 48, height: 48, channels: 3, background: { r: 10, g: 160, b: 90 } } })
      .jpeg()
      .toBuffer();
    ctx.simulator.setGroupPicture(id, digits(ana), jpeg);
    await api.delete(`/${id}/icon`).expect(200);
    await api.delete(`/${id}/invite`).expect(200);

    const updates = await eventually(
      () => channel.events('group.updated'),
      (list) => list.length >= 3,
    );
    expect(updates).toEqual([
      { group_id: id, author: author(ana), changed: ['icon'], changes: { icon: 'set' } },
      { group_id: id, author: author(channel.phone), changed: ['icon'], changes: { icon: 'removed' } },
      { group_id: id, author: author(channel.phone), changed: ['invite_code'], changes: { invite_code: 'revoked' } },
    ]);
  });

  it('group.participant_added / _removed, group.admin_promoted / _demoted, with phone and LID', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const [ana, ben] = [newPhone(), newPhone()];
    for (const phone of [ana, ben]) ctx.simulator.createPhone(digits(phone));
    const api = groupsOf(channel);
    const { id } = (await api.post('', { subject: 'Members', participants: [ana] }).expect(201)).body;

    await api.post(`/${id}/participants`, { participants: [ben] }).expect(200);
    await api.patch(`/${id}/admins`, { participants: [ben] }).expect(200);
    await api.delete(`/${id}/admins`, { participants: [ben] }).expect(200);
    await api.delete(`/${id}/participants`, { participants: [ben] }).expect(200);

    const self = author(channel.phone);
    const expected = { group_id: id, author: self, participants: [member(ben)] };
    for (const type of ['group.participant_added', 'group.admin_promoted', 'group.admin_demoted', 'group.participant_removed']) {
      const events = await eventually(
        () => channel.events(type),
        (list) => list.length === 1,
      );
      expect([type, events[0]]).toEqual([type, expected]);
    }
  });

  it('a contact removing the channel is group.participant_removed naming the channel', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const ana = newPhone();
    ctx.simulator.createPhone(digits(ana));
    const group = ctx.simulator.createGroup(digits(ana), 'Goodbye', [digits(channel.phone)]);
    await eventually(
      () => channel.events('group.created'),
      (list) => list.length === 1,
    );
    ctx.simulator.updateGroupParticipants(group.id, digits(ana), 'remove', [digits(channel.phone)]);
    const [removed] = await eventually(
      () => channel.events('group.participant_removed'),
      (list) => list.length === 1,
    );
    expect(removed).toEqual({ group_id: group.id, author: author(ana), participants: [member(channel.phone)] });
  });

  it('reaches webhook endpoints and event streams, each body matching its schema', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const receiver = await Receiver.start();
    const stream = await SseClient.open(ctx.gw, `/v1/channels/${channel.id}/events`, channel.key);
    try {
      await ctx.http
        .post('/v1/webhooks')
        .set(bearer(channel.key))
        .send({ url: receiver.url('/groups'), channel_id: channel.id })
        .expect(201);
      const ana = newPhone();
      ctx.simulator.createPhone(digits(ana));
      const api = groupsOf(channel);
      const { id } = (await api.post('', { subject: 'Delivered', participants: [ana] }).expect(201)).body;
      await api.put(`/${id}`, { subject: 'Delivered twice' }).expect(200);
      await api.patch(`/${id}/admins`, { participants: [ana] }).expect(200);

      const expected = ['group.created', 'group.updated', 'group.admin_promoted'];
      const delivered = await eventually(
        async () => receiver.at('/groups').map((r) => r.body.event),
        (events) => expected.every((type) => events.includes(type)),
      );
      expect(delivered.filter((type) => type.startsWith('group.')).sort()).toEqual([...expected].sort());
      const streamed = await stream.waitFor(3);
      expect(streamed.map((e) => e.event)).toEqual(expected);
      expect(streamed.every((e) => e.data.payload.group_id === id)).toBe(true);
      expect([...receiver.problems, ...stream.problems]).toEqual([]);
    } finally {
      stream.close();
      await receiver.close();
    }
  });

  it('refreshing the group list publishes no group.updated', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const ana = newPhone();
    ctx.simulator.createPhone(digits(ana));
    const api = groupsOf(channel);
    const ids: string[] = [];
    for (const subject of ['A', 'B', 'C']) ids.push((await api.post('', { subject, participants: [ana] }).expect(201)).body.id);
    // one real change, so the count below is known to move when something does change
    await api.put(`/${ids[0]}`, { subject: 'A2' }).expect(200);
    await eventually(
      () => channel.events('group.updated'),
      (list) => list.length === 1,
    );

    for (let i = 0; i < 3; i++) expect((await api.get('').expect(200)).body.data).toHaveLength(3);
    for (const id of ids) await api.get(`/${id}`).expect(200);
    // the engine's events of the channel are handled in order: a real change after the refreshes marks that
    // everything they could have produced has been handled
    await api.put(`/${ids[1]}`, { subject: 'B2' }).expect(200);
    const updates = await eventually(
      () => channel.events('group.updated'),
      (list) => list.some((u) => u.group_id === ids[1]),
    );
    expect(updates.map((u) => [u.group_id, u.changes])).toEqual([
      [ids[0], { subject: 'A2' }],
      [ids[1], { subject: 'B2' }],
    ]);
  });
});
