import { useTestContext } from '../support/context';
import { digits, newPhone } from '../support/phones';
import { groupsOf, userJid } from '../groups/support/groups';
import { communitiesOf } from './support/communities';

/**
 * The community routes on the simulator through real Baileys: each call goes to WhatsApp (the simulator) and
 * comes back in the API's shapes; what the simulated network holds afterwards is checked too.
 */
describe('Communities routes', () => {
  const ctx = useTestContext();

  async function channelWithContacts(count: number) {
    const channel = await ctx.newChannel({ paired: true });
    const contacts = Array.from({ length: count }, () => newPhone());
    for (const phone of contacts) ctx.simulator.createPhone(digits(phone));
    return { channel, contacts, api: communitiesOf(channel), groups: groupsOf(channel) };
  }

  it('creates a community with its announcement group, reads it, lists it', async () => {
    const { channel, api, groups } = await channelWithContacts(0);
    const created = await api.post('', { subject: 'Neighbours', description: 'Our street' }).expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      subject: 'Neighbours',
      description: 'Our street',
      owner_phone: channel.phone,
      is_community: true,
      is_community_announcement: false,
      community_id: null,
      subgroups: [],
      announcement_group: { subject: 'Neighbours', is_announcement: true, size: 1 },
    });
    expect(created.body.participants).toEqual([expect.objectContaining({ phone: channel.phone, rank: 'creator' })]);
    const held = ctx.simulator.community(id)!;
    expect(held.announcementGroup).toBe(created.body.announcement_group.id);

    expect((await api.get(`/${id}`).expect(200)).body).toEqual(created.body);
    const page = (await api.get('').expect(200)).body;
    expect(page).toMatchObject({ has_more: false, next_cursor: null });
    expect(page.data.map((c: { id: string }) => c.id)).toEqual([id]);

    // GET /groups lists the community and its announcement group, each marked
    const listed = (await groups.get('').expect(200)).body.data as { id: string; is_community: boolean; community_id: string | null }[];
    expect(listed.map((g) => [g.id, g.is_community, g.community_id]).sort()).toEqual(
      [
        [id, true, null],
        [created.body.announcement_group.id, false, id],
      ].sort(),
    );
    const announcement = (await groups.get(`/${created.body.announcement_group.id}`).expect(200)).body;
    expect(announcement).toMatchObject({ is_community_announcement: true, community_id: id, settings: { send_messages: 'admins' } });
  });

  it('creates a group inside the community, lists it, unlinks and links it again', async () => {
    const { contacts, api, groups } = await channelWithContacts(2);
    const { id } = (await api.post('', { subject: 'Club' }).expect(201)).body;
    const inside = await api.post(`/${id}`, { subject: 'Chess', participants: contacts, description: 'Openings' }).expect(201);
    expect(inside.body).toMatchObject({ subject: 'Chess', description: 'Openings', community_id: id, failed_participants: [] });
    expect(ctx.simulator.group(inside.body.id)!.communityId).toBe(id);

    const subgroups = (await api.get(`/${id}/subgroups`).expect(200)).body;
    expect(subgroups.data).toHaveLength(2);
    expect(subgroups.data).toContainEqual(
      expect.objectContaining({ id: inside.body.id, subject: 'Chess', size: 3, is_announcement: false }),
    );
    const community = (await api.get(`/${id}`).expect(200)).body;
    expect(community.subgroups.map((g: { id: string }) => g.id)).toEqual([inside.body.id]);

    expect((await api.delete(`/${id}/${inside.body.id}`).expect(200)).body).toEqual({
      community_id: id,
      group_id: inside.body.id,
      linked: false,
    });
    expect(ctx.simulator.group(inside.body.id)!.communityId).toBeNull();
    expect((await groups.get(`/${inside.body.id}`).expect(200)).body.community_id).toBeNull();

    // a plain group of this account's, linked to the community
    const plain = (await groups.post('', { subject: 'Plain', participants: [contacts[0]] }).expect(201)).body;
    expect((await api.put(`/${id}/${plain.id}`).expect(200)).body).toEqual({ community_id: id, group_id: plain.id, linked: true });
    expect((await groups.get(`/${plain.id}`).expect(200)).body.community_id).toBe(id);
    expect((await api.get(`/${id}`).expect(200)).body.subgroups.map((g: { id: string }) => g.id)).toEqual([plain.id]);
  });

  it('adds, promotes, demotes and removes members, removal reaching every linked group', async () => {
    const { contacts, api } = await channelWithContacts(2);
    const [ana, ben] = contacts;
    const created = (await api.post('', { subject: 'Members' }).expect(201)).body;
    const { id } = created;
    const announcement = created.announcement_group.id as string;

    const added = await api.post(`/${id}/participants`, { participants: [ana, userJid(ben)] }).expect(200);
    expect(added.body).toEqual({
      community_id: id,
      participants: [
        { participant: ana, id: userJid(ana), status: 'processed', reason: null, whatsapp_status: 200, invite: null },
        { participant: userJid(ben), id: userJid(ben), status: 'processed', reason: null, whatsapp_status: 200, invite: null },
      ],
    });
    const phonesIn = (jid: string) => ctx.simulator.group(jid)!.participants.map((p) => p.phone);
    expect(phonesIn(announcement)).toEqual(expect.arrayContaining([digits(ana), digits(ben)]));

    const promoted = await api.patch(`/${id}/admins`, { participants: [ana] }).expect(200);
    expect(promoted.body.participants[0]).toMatchObject({ participant: ana, status: 'processed' });
    const rankIn = (jid: string, phone: string) => ctx.simulator.group(jid)!.participants.find((p) => p.phone === digits(phone))?.admin;
    expect([rankIn(id, ana), rankIn(announcement, ana)]).toEqual(['admin', 'admin']);
    await api.delete(`/${id}/admins`, { participants: [ana] }).expect(200);
    expect(rankIn(id, ana)).toBeNull();

    const chess = (await api.post(`/${id}`, { subject: 'Chess', participants: [ben] }).expect(201)).body;
    expect(phonesIn(chess.id)).toContain(digits(ben));
    const removed = await api.delete(`/${id}/participants`, { participants: [ben] }).expect(200);
    expect(removed.body.participants[0]).toMatchObject({ participant: ben, status: 'processed' });
    for (const jid of [id, announcement, chess.id]) expect(phonesIn(jid)).not.toContain(digits(ben));
    expect(phonesIn(id)).toContain(digits(ana));
  });

  it('changes settings and revokes the invite link', async () => {
    const { api } = await channelWithContacts(0);
    const { id } = (await api.post('', { subject: 'Settings' }).expect(201)).body;
    const locked = await api.patch(`/${id}/settings`, { setting: 'edit_group_info', policy: 'admins' }).expect(200);
    expect(locked.body.settings.edit_group_info).toBe('admins');
    expect(ctx.simulator.group(id)!.locked).toBe(true);
    const approval = await api.patch(`/${id}/settings`, { setting: 'approve_participants', policy: 'admins' }).expect(200);
    expect(approval.body.settings.approve_participants).toBe('admins');
    const open = await api.patch(`/${id}/settings`, { setting: 'approve_participants', policy: 'anyone' }).expect(200);
    expect(open.body.settings.approve_participants).toBe('anyone');

    const before = ctx.simulator.group(id)!.inviteCode;
    const revoked = (await api.delete(`/${id}/link`).expect(200)).body;
    expect(revoked).toEqual({
      community_id: id,
      invite_code: expect.any(String),
      invite_link: `https://chat.whatsapp.com/${revoked.invite_code}`,
    });
    expect(revoked.invite_code).not.toBe(before);
    expect(ctx.simulator.group(id)!.inviteCode).toBe(revoked.invite_code);
  });

  it('reads a community a contact created with the channel in it', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const admin = newPhone();
    ctx.simulator.createPhone(digits(admin));
    const community = ctx.simulator.createCommunity(digits(admin), 'Theirs', 'Run by a contact', [digits(channel.phone)]);
    ctx.simulator.createCommunityGroup(community.id, digits(admin), 'Inside', [digits(channel.phone)]);
    const api = communitiesOf(channel);
    const read = (await api.get(`/${community.id}`).expect(200)).body;
    expect(read).toMatchObject({ subject: 'Theirs', description: 'Run by a contact', owner_phone: admin, is_community: true });
    expect(read.participants).toContainEqual(expect.objectContaining({ phone: channel.phone, rank: 'member' }));
    expect(read.subgroups.map((g: { subject: string }) => g.subject)).toEqual(['Inside']);
    expect((await api.get('').expect(200)).body.data.map((c: { id: string }) => c.id)).toEqual([community.id]);
  });

  it('a message to the community itself, which WhatsApp refuses in its ack, ends failed after sent', async () => {
    const { channel, api } = await channelWithContacts(0);
    const id = (await api.post('', { subject: 'No posts here' }).expect(201)).body.id as string;
    const sent = await channel.send({ type: 'text', to: id, text: 'hello community' });
    const failed = await channel.waitForStatus(sent.body.message_id, 'failed', 30_000);
    expect(failed.failure_reason).toMatch(/^whatsapp_error/);
    // Consumers saw it go out, then fail: the refusal came after the socket handed it over.
    expect((await channel.events('message.sent')).map((p) => p.message_id)).toContain(sent.body.message_id);
    expect((await channel.events('message.failed')).map((p) => p.message_id)).toEqual([sent.body.message_id]);
  });
});
