import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';
import { groupsOf } from '../groups/support/groups';
import { communitiesOf } from './support/communities';

/**
 * Community events are the group events, with the community marked: `group.created` embeds the group (with
 * `is_community` and `community_id`), and the others carry `is_community` / `community_id` beside `group_id`.
 * Payloads are checked against their schemas by `channel.events`.
 */
describe('Community events', () => {
  const ctx = useTestContext();

  const member = (phone: string) => ({ id: ctx.simulator.phone(digits(phone)).lid, phone, lid: ctx.simulator.phone(digits(phone)).lid });
  const author = (phone: string) => ({ id: ctx.simulator.phone(digits(phone)).lid, phone });

  it('group.created for the community, its announcement group and a group created in it, each marked', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const ana = newPhone();
    ctx.simulator.createPhone(digits(ana));
    const api = communitiesOf(channel);
    const community = (await api.post('', { subject: 'Street' }).expect(201)).body;
    const inside = (await api.post(`/${community.id}`, { subject: 'Garden', participants: [ana] }).expect(201)).body;

    const created = await eventually(
      () => channel.events('group.created'),
      (list) => list.length === 3,
    );
    const byGroup = new Map(created.map((payload) => [payload.group_id, payload.group as Record<string, unknown>]));
    expect(byGroup.get(community.id)).toMatchObject({ is_community: true, is_community_announcement: false, community_id: null });
    expect(byGroup.get(community.announcement_group.id)).toMatchObject({
      is_community: false,
      is_community_announcement: true,
      community_id: community.id,
    });
    expect(byGroup.get(inside.id)).toMatchObject({ subject: 'Garden', community_id: community.id });
    expect(created.every((payload) => payload.reason === 'created')).toBe(true);
  });

  it('member changes on the community are announced on it and its announcement group, marked', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const ana = newPhone();
    ctx.simulator.createPhone(digits(ana));
    const api = communitiesOf(channel);
    const community = (await api.post('', { subject: 'Members' }).expect(201)).body;
    const announcement = community.announcement_group.id as string;
    const inside = (await api.post(`/${community.id}`, { subject: 'Inside' }).expect(201)).body;

    await api.post(`/${community.id}/participants`, { participants: [ana] }).expect(200);
    await groupsOf(channel)
      .post(`/${inside.id}/participants`, { participants: [ana] })
      .expect(200);
    await api.patch(`/${community.id}/admins`, { participants: [ana] }).expect(200);
    await api.delete(`/${community.id}/participants`, { participants: [ana] }).expect(200);

    const self = author(channel.phone);
    const on = (groupId: string, communityId: string | null, isCommunity = false) => ({
      group_id: groupId,
      is_community: isCommunity,
      community_id: communityId,
      author: self,
      participants: [member(ana)],
    });
    const added = await eventually(
      () => channel.events('group.participant_added'),
      (list) => list.length === 3,
    );
    expect(added).toEqual(
      expect.arrayContaining([on(community.id, null, true), on(announcement, community.id), on(inside.id, community.id)]),
    );
    const promoted = await eventually(
      () => channel.events('group.admin_promoted'),
      (list) => list.length === 2,
    );
    expect(promoted).toEqual(expect.arrayContaining([on(community.id, null, true), on(announcement, community.id)]));
    // removed from the community: out of every group linked to it, each group announcing it
    const removed = await eventually(
      () => channel.events('group.participant_removed'),
      (list) => list.length === 3,
    );
    expect(removed).toEqual(
      expect.arrayContaining([on(community.id, null, true), on(announcement, community.id), on(inside.id, community.id)]),
    );
  });

  it('group.updated with community_id when a group is linked or unlinked, by the channel or a contact', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const ana = newPhone();
    ctx.simulator.createPhone(digits(ana));
    const api = communitiesOf(channel);
    const community = (await api.post('', { subject: 'Links' }).expect(201)).body;
    const plain = (
      await groupsOf(channel)
        .post('', { subject: 'Plain', participants: [ana] })
        .expect(201)
    ).body;

    await api.put(`/${community.id}/${plain.id}`).expect(200);
    await api.patch(`/${community.id}/settings`, { setting: 'edit_group_info', policy: 'admins' }).expect(200);
    await api.delete(`/${community.id}/${plain.id}`).expect(200);

    const self = author(channel.phone);
    const updates = await eventually(
      () => channel.events('group.updated'),
      (list) => list.length >= 3,
    );
    expect(updates).toEqual([
      {
        group_id: plain.id,
        is_community: false,
        community_id: community.id,
        author: self,
        changed: ['community_id'],
        changes: { community_id: community.id },
      },
      {
        group_id: community.id,
        is_community: true,
        community_id: null,
        author: self,
        changed: ['settings'],
        changes: { settings: { edit_group_info: 'admins' } },
      },
      { group_id: plain.id, author: self, changed: ['community_id'], changes: { community_id: null } },
    ]);

    // a contact's community: the channel hears of a group linked to it by its admin
    const theirs = ctx.simulator.createCommunity(digits(ana), 'Theirs', null, [digits(channel.phone)]);
    const group = ctx.simulator.createGroup(digits(ana), 'Joined later', [digits(channel.phone)]);
    await eventually(
      () => channel.events('group.created'),
      (list) => list.some((payload) => payload.group_id === group.id),
    );
    ctx.simulator.linkCommunityGroup(theirs.id, digits(ana), group.id);
    const linked = await eventually(
      () => channel.events('group.updated'),
      (list) => list.length >= 4,
    );
    expect(linked[3]).toEqual({
      group_id: group.id,
      is_community: false,
      community_id: theirs.id,
      author: author(ana),
      changed: ['community_id'],
      changes: { community_id: theirs.id },
    });
  });
});
