import sharp from 'sharp';
import { GroupMetadataCache } from '../../src/engine/baileys/group-metadata-cache';
import { GroupsPort, type WireGroup } from '../../src/engine/ports/groups.port';
import type { GroupsEvent } from '../../src/engine/ports/session-events';
import { SandboxNetwork } from '../../src/engine/sandbox/sandbox-network';
import { SessionManager } from '../../src/engine/session-manager';
import { AppError } from '../../src/platform/errors/app-error';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';

const pn = (phone: string) => `${digits(phone)}@s.whatsapp.net`;

/** The refusal's machine-readable reason, or a failure when the call succeeded. */
async function reasonOf(call: Promise<unknown>): Promise<unknown> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return ((error as AppError).details as { reason?: string } | undefined)?.reason;
}

describe('GroupsPort over Baileys and the simulator', () => {
  const ctx = useTestContext();
  const events: { channelId: string; event: GroupsEvent }[] = [];
  let port: GroupsPort;
  let sessions: SessionManager;
  let channelId: string;
  let me: string;
  const [ana, ben, cal, dan] = [newPhone(), newPhone(), newPhone(), newPhone()];
  let group: WireGroup;

  const sim = () => ctx.simulator;
  /** The next groups event of the channel matching `match`, waiting for it to be delivered. */
  const nextEvent = async <T extends GroupsEvent>(match: (e: GroupsEvent) => e is T, after = 0): Promise<T> => {
    const found = await eventually(
      () => Promise.resolve(events.slice(after).find((e) => e.channelId === channelId && match(e.event))),
      (e) => e !== undefined,
      10_000,
    );
    return found!.event as T;
  };
  const changed =
    (key: string) =>
    (e: GroupsEvent): e is Extract<GroupsEvent, { type: 'group_changed' }> =>
      e.type === 'group_changed' && e.groupJid === group.jid && key in e.changes;

  beforeAll(async () => {
    port = ctx.gw.app.get(GroupsPort);
    sessions = ctx.gw.app.get(SessionManager);
    sessions.onChannelEvent('groups', (id, event) => void events.push({ channelId: id, event }));
    const channel = await ctx.newChannel({ paired: true });
    channelId = channel.id;
    me = pn(channel.phone);
    for (const [phone, name] of [
      [ana, 'Ana'],
      [ben, 'Ben'],
      [cal, 'Cal'],
      [dan, 'Dan'],
    ]) {
      sim().createPhone(digits(phone), { pushName: name });
    }
    sim().setGroupAddPrivacy(digits(cal), 'nobody');
  });

  it('creates a group, reporting the member whose privacy refused the add with the invitation offered instead', async () => {
    const mark = events.length;
    const created = await port.create(channelId, 'Team', [pn(ana), pn(ben), pn(cal)], 'Who we are');
    group = created.group;
    expect(created.outcomes).toEqual([
      { jid: pn(ana), status: 200, addRequest: null },
      { jid: pn(ben), status: 200, addRequest: null },
      { jid: pn(cal), status: 403, addRequest: { code: expect.any(String), expiresAt: expect.any(Date) } },
    ]);
    expect(group).toMatchObject({ subject: 'Team', description: 'Who we are', addressingMode: 'lid', ownerPhoneJid: me, size: 3 });
    expect(group.members).toContainEqual({
      jid: sim().phone(digits(ana)).lid,
      lid: sim().phone(digits(ana)).lid,
      phoneJid: pn(ana),
      rank: 'member',
    });
    expect(group.members.find((m) => m.phoneJid === me)?.rank).toBe('creator');

    const joined = await nextEvent((e): e is Extract<GroupsEvent, { type: 'group_joined' }> => e.type === 'group_joined', mark);
    expect(joined).toMatchObject({ createdByAccount: true, group: { jid: group.jid, subject: 'Team' } });

    const invitation = await port.sendAddRequest(channelId, group, pn(cal), created.outcomes[2].addRequest!);
    const received = await sim().waitForMessage(digits(cal), (m) => m.id === invitation);
    const offered = created.outcomes[2].addRequest!;
    expect(received.content).toMatchObject({
      type: 'other',
      groupInvite: {
        groupJid: group.jid,
        groupName: 'Team',
        code: offered.code,
        expiration: offered.expiresAt.getTime() / 1000,
      },
    });
    const beforeJoin = events.length;
    sim().acceptGroupInvitation(digits(cal), group.jid, offered.code);
    const added = await nextEvent(
      (e): e is Extract<GroupsEvent, { type: 'group_members' }> => e.type === 'group_members' && e.action === 'add',
      beforeJoin,
    );
    expect(added.members.map((m) => m.phoneJid)).toEqual([pn(cal)]);
    await port.changeMembers(channelId, group.jid, [pn(cal)], 'remove');
  });

  it('lists every group in one request without reporting the refresh as changes, and reads one group', async () => {
    await sessions.delivered(channelId);
    const mark = events.length;
    const groups = await port.list(channelId);
    expect(groups.map((g) => g.jid)).toContain(group.jid);
    expect(ctx.gw.app.get(GroupMetadataCache).size(channelId)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sessions.delivered(channelId);
    expect(events.slice(mark).filter((e) => e.event.type === 'group_changed')).toEqual([]);

    expect(await port.get(channelId, group.jid)).toMatchObject({ jid: group.jid, subject: 'Team', size: 3 });
  });

  it('changes subject, description and every setting, each announced as only what changed', async () => {
    const cache = ctx.gw.app.get(GroupMetadataCache);
    await port.get(channelId, group.jid);
    expect(cache.get(channelId, group.jid)?.subject).toBe('Team');
    await port.setSubject(channelId, group.jid, 'Team A');
    expect((await nextEvent(changed('subject'))).changes).toEqual({ subject: 'Team A' });
    // the notification made the cached metadata stale: the next group send reads it afresh
    expect(cache.get(channelId, group.jid)).toBeUndefined();
    expect((await nextEvent(changed('subject'))).author).toEqual({ jid: expect.stringMatching(/@lid$/), phoneJid: me });

    await port.setDescription(channelId, group.jid, 'New words');
    await nextEvent(
      (e): e is Extract<GroupsEvent, { type: 'group_changed' }> => changed('description')(e) && e.changes.description === 'New words',
    );
    await port.setDescription(channelId, group.jid, null);
    await nextEvent(
      (e): e is Extract<GroupsEvent, { type: 'group_changed' }> => changed('description')(e) && e.changes.description === null,
    );

    await port.changeSetting(channelId, group.jid, { announce: true });
    await port.changeSetting(channelId, group.jid, { restrict: true });
    await port.changeSetting(channelId, group.jid, { memberAddMode: 'admin_add' });
    await port.changeSetting(channelId, group.jid, { joinApproval: true });
    await port.changeSetting(channelId, group.jid, { ephemeralSeconds: 86_400 });
    expect((await nextEvent(changed('announce'))).changes).toEqual({ announce: true });
    expect((await nextEvent(changed('restrict'))).changes).toEqual({ restrict: true });
    expect((await nextEvent(changed('memberAddMode'))).changes).toEqual({ memberAddMode: 'admin_add' });
    expect((await nextEvent(changed('joinApproval'))).changes).toEqual({ joinApproval: true });
    expect((await nextEvent(changed('ephemeralSeconds'))).changes).toEqual({ ephemeralSeconds: 86_400 });
    expect(await port.get(channelId, group.jid)).toMatchObject({
      subject: 'Team A',
      description: null,
      announce: true,
      restrict: true,
      memberAddMode: 'admin_add',
      joinApproval: true,
      ephemeralSeconds: 86_400,
    });
  });

  it('changes members one outcome each, and reports the changes with phone numbers', async () => {
    expect(await port.changeMembers(channelId, group.jid, [pn(ana)], 'promote')).toEqual([{ jid: pn(ana), status: 200, addRequest: null }]);
    const promoted = await nextEvent(
      (e): e is Extract<GroupsEvent, { type: 'group_members' }> => e.type === 'group_members' && e.action === 'promote',
    );
    expect(promoted.members).toEqual([{ jid: sim().phone(digits(ana)).lid, lid: sim().phone(digits(ana)).lid, phoneJid: pn(ana) }]);
    expect(promoted.author?.phoneJid).toBe(me);

    const outcomes = await port.changeMembers(channelId, group.jid, [pn(ben), pn(cal)], 'add');
    expect(outcomes.map((o) => o.status)).toEqual([409, 403]);
    expect(outcomes[1].addRequest?.code).toEqual(expect.any(String));

    await port.changeMembers(channelId, group.jid, [pn(ben)], 'remove');
    await nextEvent((e): e is Extract<GroupsEvent, { type: 'group_members' }> => e.type === 'group_members' && e.action === 'remove');
    expect((await port.get(channelId, group.jid)).members.map((m) => m.phoneJid).sort()).toEqual([me, pn(ana)].sort());
  });

  it('reads, revokes and shows invite codes; answers join requests', async () => {
    const code = await port.inviteCode(channelId, group.jid);
    const fresh = await port.revokeInvite(channelId, group.jid);
    expect(fresh).not.toBe(code);
    expect((await nextEvent(changed('inviteRevoked'))).changes).toEqual({ inviteRevoked: true });
    expect(await port.inviteInfo(channelId, fresh)).toMatchObject({ jid: group.jid, subject: 'Team A', members: [] });
    expect(await reasonOf(port.inviteInfo(channelId, code))).toBe('invite_revoked');
    expect(await reasonOf(port.inviteInfo(channelId, 'NoSuchCode000000000000'))).toBe('invite_invalid');

    expect(sim().joinGroupByInvite(digits(dan), fresh)).toEqual({ group: group.jid, status: 'pending_approval' });
    const requests = await port.joinRequests(channelId, group.jid);
    expect(requests).toEqual([
      { jid: sim().phone(digits(dan)).lid, phoneJid: pn(dan), requestedAt: expect.any(Date), method: 'invite_link' },
    ]);
    const mark = events.length;
    expect(await port.answerJoinRequests(channelId, group.jid, [requests[0].jid], 'approve')).toEqual([
      { jid: requests[0].jid, status: 200, addRequest: null },
    ]);
    const added = await nextEvent(
      (e): e is Extract<GroupsEvent, { type: 'group_members' }> => e.type === 'group_members' && e.action === 'add',
      mark,
    );
    expect(added.members[0].phoneJid).toBe(pn(dan));
  });

  it('joins by invite, or waits for approval, and refuses what WhatsApp refuses', async () => {
    const other = sim().createGroup(digits(ana), 'Ana club', [digits(ben)]);
    expect(await reasonOf(port.get(channelId, other.id))).toBe('not_member');
    expect(await reasonOf(port.get(channelId, '120363000000000000@g.us'))).toBe('group_not_found');

    const mark = events.length;
    expect(await port.acceptInvite(channelId, sim().groupInviteCode(other.id, digits(ana)))).toEqual({ joined: other.id });
    const joined = await nextEvent(
      (e): e is Extract<GroupsEvent, { type: 'group_joined' }> => e.type === 'group_joined' && e.group.jid === other.id,
      mark,
    );
    expect(joined.createdByAccount).toBe(false);
    expect(await reasonOf(port.acceptInvite(channelId, sim().groupInviteCode(other.id, digits(ana))))).toBe('already_member');
    expect(await reasonOf(port.changeSetting(channelId, other.id, { announce: true }))).toBe('not_admin');
    expect(await reasonOf(port.changeMembers(channelId, other.id, [pn(ben)], 'remove'))).toBe('not_admin');
    await port.setSubject(channelId, other.id, 'any member may, while the group is not locked');
    sim().changeGroupSetting(other.id, digits(ana), { locked: true });
    expect(await reasonOf(port.setSubject(channelId, other.id, 'mine now'))).toBe('not_admin');

    const addedBy = events.length;
    const addedTo = sim().createGroup(digits(ana), 'Ana adds', [digits(ben)]);
    sim().updateGroupParticipants(addedTo.id, digits(ana), 'add', [digits(me)]);
    const added = await nextEvent(
      (e): e is Extract<GroupsEvent, { type: 'group_joined' }> => e.type === 'group_joined' && e.group.jid === addedTo.id,
      addedBy,
    );
    expect(added).toMatchObject({ createdByAccount: false, author: { phoneJid: pn(ana) }, group: { size: 3 } });

    const guarded = sim().createGroup(digits(ana), 'Ana guarded', [digits(ben)]);
    sim().changeGroupSetting(guarded.id, digits(ana), { joinApproval: true });
    expect(await port.acceptInvite(channelId, sim().groupInviteCode(guarded.id, digits(ana)))).toEqual({ pendingApproval: guarded.id });
    expect(sim().group(guarded.id)?.joinRequests).toEqual([digits(sim().phone(digits(me)).phone)]);
  });

  it('sets, reads and removes the group icon', async () => {
    expect(await port.pictureUrl(channelId, group.jid, 'preview')).toBeNull();
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#36c' } })
      .png()
      .toBuffer();
    await port.setPicture(channelId, group.jid, png);
    expect((await nextEvent(changed('icon'))).changes).toEqual({ icon: 'set' });
    const url = await port.pictureUrl(channelId, group.jid, 'image');
    expect(url).toEqual(sim().group(group.jid)?.pictureUrl);
    const mark = events.length;
    await port.removePicture(channelId, group.jid);
    await nextEvent((e): e is Extract<GroupsEvent, { type: 'group_changed' }> => changed('icon')(e) && e.changes.icon === 'removed', mark);
    expect(await port.pictureUrl(channelId, group.jid, 'preview')).toBeNull();
  });

  it('lets sandbox people act in the channel’s groups, refused as WhatsApp refuses the channel', async () => {
    const sandbox = ctx.gw.app.get(SandboxNetwork);
    const mark = events.length;
    await sandbox.setGroupDescriptionAs(ana, group.jid, 'Written by Ana');
    const described = await nextEvent(changed('description'), mark);
    expect(described).toMatchObject({ changes: { description: 'Written by Ana' }, author: { phoneJid: pn(ana) } });
    const id = await sandbox.sendToGroupAs(ana, group.jid, 'hello from ana');
    expect(id).toEqual(expect.any(String));

    expect(await reasonOf(sandbox.changeGroupSettingAs(dan, group.jid, { announce: false }))).toBe('not_admin');
    expect(await reasonOf(sandbox.setGroupSubjectAs(ben, group.jid, 'not mine'))).toBe('not_member');
    expect(await reasonOf(sandbox.askToJoinGroup(ben, 'NoSuchCode000000000000'))).toBe('invite_invalid');
    expect((await sandbox.group(group.jid))?.description).toBe('Written by Ana');
  });

  it('leaves a group and reports the departure', async () => {
    const mark = events.length;
    await port.leave(channelId, group.jid);
    const left = await nextEvent(
      (e): e is Extract<GroupsEvent, { type: 'group_members' }> => e.type === 'group_members' && e.action === 'remove',
      mark,
    );
    expect(left.members[0].phoneJid).toBe(me);
    expect(await reasonOf(port.get(channelId, group.jid))).toBe('not_member');
  });
});
