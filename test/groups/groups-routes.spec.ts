import { useTestContext } from '../support/context';
import { digits, newPhone } from '../support/phones';
import { groupsOf, userJid } from './support/groups';

/**
 * The group routes on the simulator through real Baileys: each call goes to WhatsApp (the simulator) and
 * comes back in the API's shapes; what the simulated network holds afterwards is checked too.
 */
describe('Groups routes', () => {
  const ctx = useTestContext();

  async function channelWithContacts(count: number) {
    const channel = await ctx.newChannel({ paired: true });
    const contacts = Array.from({ length: count }, () => newPhone());
    for (const phone of contacts) ctx.simulator.createPhone(digits(phone));
    return { channel, contacts, api: groupsOf(channel) };
  }

  it('creates a group, reads it, lists it', async () => {
    const { channel, contacts, api } = await channelWithContacts(2);
    const created = await api.post('', { subject: 'Weekend', participants: contacts, description: 'Plans' }).expect(201);
    expect(created.body).toMatchObject({ subject: 'Weekend', description: 'Plans', owner_phone: channel.phone, failed_participants: [] });
    expect(created.body.id).toMatch(/@g\.us$/);
    const held = ctx.simulator.group(created.body.id)!;
    expect(held.participants.map((p) => p.phone).sort()).toEqual([channel.phone, ...contacts].map(digits).sort());

    const group = (await api.get(`/${created.body.id}`).expect(200)).body;
    expect(group.participants).toHaveLength(3);
    const me = group.participants.find((p: { phone: string }) => p.phone === channel.phone);
    expect(me).toMatchObject({ rank: 'creator', lid: ctx.simulator.phone(digits(channel.phone)).lid });
    for (const contact of contacts) {
      expect(group.participants).toContainEqual({
        id: ctx.simulator.phone(digits(contact)).lid,
        phone: contact,
        lid: ctx.simulator.phone(digits(contact)).lid,
        rank: 'member',
      });
    }
    expect(group.settings).toEqual({
      send_messages: 'anyone',
      edit_group_info: 'anyone',
      add_participants: 'anyone',
      approve_participants: 'anyone',
    });

    const page = (await api.get('').expect(200)).body;
    expect(page).toMatchObject({ has_more: false, next_cursor: null });
    expect(page.data.map((g: { id: string }) => g.id)).toEqual([created.body.id]);
  });

  it('pages the group list by group JID', async () => {
    const { contacts, api } = await channelWithContacts(1);
    const ids: string[] = [];
    for (const subject of ['One', 'Two', 'Three']) ids.push((await api.post('', { subject, participants: contacts }).expect(201)).body.id);
    const first = (await api.get('?limit=2').expect(200)).body;
    expect(first.has_more).toBe(true);
    const second = (await api.get(`?limit=2&cursor=${first.next_cursor}`).expect(200)).body;
    expect(second).toMatchObject({ has_more: false, next_cursor: null });
    expect([...first.data, ...second.data].map((g: { id: string }) => g.id)).toEqual([...ids].sort());
  });

  it('renames, describes, and removes the description', async () => {
    const { contacts, api } = await channelWithContacts(1);
    const { id } = (await api.post('', { subject: 'Old name', participants: contacts }).expect(201)).body;
    const renamed = await api.put(`/${id}`, { subject: 'New name', description: 'About us' }).expect(200);
    expect(renamed.body).toMatchObject({ subject: 'New name', description: 'About us' });
    expect(ctx.simulator.group(id)!.subject).toBe('New name');
    const cleared = await api.put(`/${id}`, { description: null }).expect(200);
    expect(cleared.body).toMatchObject({ subject: 'New name', description: null });
  });

  it('changes each setting and the disappearing-messages timer', async () => {
    const { contacts, api } = await channelWithContacts(1);
    const { id } = (await api.post('', { subject: 'Settings', participants: contacts }).expect(201)).body;
    for (const setting of ['send_messages', 'edit_group_info', 'add_participants', 'approve_participants']) {
      const admins = await api.patch(`/${id}`, { setting, policy: 'admins' }).expect(200);
      expect(admins.body.settings[setting]).toBe('admins');
      const anyone = await api.patch(`/${id}`, { setting, policy: 'anyone' }).expect(200);
      expect(anyone.body.settings[setting]).toBe('anyone');
    }
    expect((await api.patch(`/${id}`, { ephemeral_seconds: 86_400 }).expect(200)).body.ephemeral_seconds).toBe(86_400);
    expect((await api.patch(`/${id}`, { ephemeral_seconds: 0 }).expect(200)).body.ephemeral_seconds).toBe(0);
  });

  it('adds, promotes, demotes and removes participants, each answered', async () => {
    const { contacts, api } = await channelWithContacts(3);
    const [ana, ben, cal] = contacts;
    const { id } = (await api.post('', { subject: 'Members', participants: [ana] }).expect(201)).body;

    const added = await api.post(`/${id}/participants`, { participants: [ben, userJid(cal)] }).expect(200);
    expect(added.body).toEqual({
      group_id: id,
      participants: [
        { participant: ben, id: userJid(ben), status: 'processed', reason: null, whatsapp_status: 200, invite: null },
        { participant: userJid(cal), id: userJid(cal), status: 'processed', reason: null, whatsapp_status: 200, invite: null },
      ],
    });
    const again = await api.post(`/${id}/participants`, { participants: [ben] }).expect(200);
    expect(again.body.participants[0]).toMatchObject({ status: 'failed', reason: 'already_member', whatsapp_status: 409 });

    const promoted = await api.patch(`/${id}/admins`, { participants: [ben] }).expect(200);
    expect(promoted.body.participants[0]).toMatchObject({ participant: ben, status: 'processed' });
    const rankOf = async (phone: string) =>
      (await api.get(`/${id}`).expect(200)).body.participants.find((p: { phone: string }) => p.phone === phone)?.rank;
    expect(await rankOf(ben)).toBe('admin');
    await api.delete(`/${id}/admins`, { participants: [ben] }).expect(200);
    expect(await rankOf(ben)).toBe('member');

    // a LID names a participant as well as a number
    const removed = await api.delete(`/${id}/participants`, { participants: [ctx.simulator.phone(digits(cal)).lid] }).expect(200);
    expect(removed.body.participants[0]).toMatchObject({ status: 'processed' });
    expect(ctx.simulator.group(id)!.participants.map((p) => p.phone)).not.toContain(digits(cal));
  });

  it('reads and revokes the invite code, previews and joins by it', async () => {
    const { contacts, api } = await channelWithContacts(1);
    const { id } = (await api.post('', { subject: 'Invites', participants: contacts }).expect(201)).body;
    const invite = (await api.get(`/${id}/invite`).expect(200)).body;
    expect(invite).toEqual({
      group_id: id,
      invite_code: expect.any(String),
      invite_link: `https://chat.whatsapp.com/${invite.invite_code}`,
    });
    const revoked = (await api.delete(`/${id}/invite`).expect(200)).body;
    expect(revoked.invite_code).not.toBe(invite.invite_code);

    // another account previews the group and joins it by the new link
    const other = await ctx.newChannel({ paired: true });
    const otherApi = groupsOf(other);
    const preview = (await otherApi.get(`/link/${revoked.invite_code}`).expect(200)).body;
    expect(preview).toMatchObject({ id, subject: 'Invites' });
    const stale = await otherApi.get(`/link/${invite.invite_code}`).expect(410);
    expect([stale.body.error.code, stale.body.error.details.reason]).toEqual(['other', 'invite_revoked']);
    const unknown = await otherApi.put('', { invite_code: 'AAAAAAAAAAAAAAAAAAAAAA' }).expect(400);
    expect([unknown.body.error.code, unknown.body.error.details.reason]).toEqual(['invalid_request', 'invite_invalid']);
    const joined = await otherApi.put('', { invite_code: revoked.invite_link }).expect(200);
    expect(joined.body).toEqual({ group_id: id, status: 'joined' });
    expect(ctx.simulator.group(id)!.participants.map((p) => p.phone)).toContain(digits(other.phone));
  });

  it('leaves a group', async () => {
    const { channel, contacts, api } = await channelWithContacts(1);
    const { id } = (await api.post('', { subject: 'Leaving', participants: contacts }).expect(201)).body;
    expect((await api.delete(`/${id}`).expect(200)).body).toEqual({ group_id: id, left: true });
    expect(ctx.simulator.group(id)!.participants.map((p) => p.phone)).not.toContain(digits(channel.phone));
    expect((await api.get('').expect(200)).body.data).toEqual([]);
  });

  it('lists join requests and approves or rejects them', async () => {
    const { contacts, api } = await channelWithContacts(3);
    const [ana, ben, cal] = contacts;
    const { id } = (await api.post('', { subject: 'Approval', participants: [ana] }).expect(201)).body;
    await api.patch(`/${id}`, { setting: 'approve_participants', policy: 'admins' }).expect(200);
    const { invite_code: code } = (await api.get(`/${id}/invite`).expect(200)).body;
    for (const phone of [ben, cal])
      expect(ctx.simulator.joinGroupByInvite(digits(phone), code)).toEqual({ group: id, status: 'pending_approval' });

    const applications = (await api.get(`/${id}/applications`).expect(200)).body;
    expect(applications.data.map((a: { phone: string }) => a.phone).sort()).toEqual([ben, cal].sort());
    expect(applications.data[0]).toMatchObject({ requested_at: expect.any(String) });

    const approved = await api.post(`/${id}/applications`, { participants: [ben] }).expect(200);
    expect(approved.body.participants[0]).toMatchObject({ participant: ben, status: 'processed' });
    const rejected = await api.delete(`/${id}/applications`, { participants: [cal] }).expect(200);
    expect(rejected.body.participants[0]).toMatchObject({ participant: cal, status: 'processed' });

    const members = ctx.simulator.group(id)!.participants.map((p) => p.phone);
    expect(members).toContain(digits(ben));
    expect(members).not.toContain(digits(cal));
    expect((await api.get(`/${id}/applications`).expect(200)).body.data).toEqual([]);
  });
});
