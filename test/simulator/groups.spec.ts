import { type BinaryNode, WAMessageStubType, getBinaryNodeChild, getBinaryNodeChildren, proto } from '@whiskeysockets/baileys';
import sharp from 'sharp';
import { GroupRefusal, type WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

const KIM = '15550007001';
const LEO = '15550007002';
const MIA = '15550007003';
const NED = '15550007004';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
// groups run in LID addressing mode, as WhatsApp's do now: members are named by LID, phone number beside it

describe('WhatsAppSimulator groups', () => {
  let sim: WhatsAppSimulator;
  let kim: TestClient;
  let groupJid: string;
  const lid = (phone: string) => sim.phone(phone).lid;

  beforeAll(async () => {
    sim = await startSimulator();
    for (const [phone, name] of [
      [LEO, 'Leo'],
      [MIA, 'Mia'],
      [NED, 'Ned'],
    ]) {
      sim.createPhone(phone, { pushName: name });
    }
    kim = await pairedClient(sim, KIM, 'Kim');
  });

  afterAll(async () => {
    await kim.close();
    await sim.stop();
  });

  it('creates a group from the companion and serves its metadata', async () => {
    const created = await kim.sock.groupCreate('Weekend', [jid(LEO), jid(MIA)]);
    groupJid = created.id;
    expect(created).toMatchObject({ subject: 'Weekend', owner: lid(KIM), ownerPn: jid(KIM), addressingMode: 'lid' });
    expect(created.participants.map((p) => p.id).sort()).toEqual([lid(KIM), lid(LEO), lid(MIA)].sort());
    expect(created.participants.map((p) => p.phoneNumber).sort()).toEqual([jid(KIM), jid(LEO), jid(MIA)].sort());
    const metadata = await kim.sock.groupMetadata(groupJid);
    expect(metadata.participants).toContainEqual(expect.objectContaining({ id: lid(KIM), phoneNumber: jid(KIM), admin: 'superadmin' }));
    expect(sim.group(groupJid)?.participants).toHaveLength(3);
  });

  it('delivers companion group messages to every member, twice in a row', async () => {
    for (const text of ['first to the group', 'second to the group']) {
      const sent = await kim.sock.sendMessage(groupJid, { text });
      for (const member of [LEO, MIA]) {
        const received = await sim.waitForMessage(member, (m) => m.id === sent!.key.id);
        expect(received).toMatchObject({ from: KIM, group: groupJid, content: { type: 'text', text } });
      }
    }
  });

  it('delivers contact group messages to the companion', async () => {
    for (const text of ['hello from leo', 'again from leo']) {
      const upsert = kim.waitFor('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === text));
      const id = await sim.sendToGroup(LEO, groupJid, { type: 'text', text });
      const message = (await upsert).messages.find((m) => m.key.id === id)!;
      expect(message.key).toMatchObject({ remoteJid: groupJid, participant: lid(LEO), participantAlt: jid(LEO), fromMe: false });
    }
  });

  it('carries group receipts both ways', async () => {
    const upsert = kim.waitFor('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'receipt please'));
    const id = await sim.sendToGroup(LEO, groupJid, { type: 'text', text: 'receipt please' });
    const message = (await upsert).messages.find((m) => m.key.id === id)!;
    await sim.waitForReceipt(LEO, id, 'delivered');
    await kim.sock.readMessages([message.key]);
    expect(await sim.waitForReceipt(LEO, id, 'read')).toMatchObject({ by: kim.jid });

    const sent = await kim.sock.sendMessage(groupJid, { text: 'who read this?' });
    await sim.waitForMessage(MIA, (m) => m.id === sent!.key.id);
    const receipt = kim.waitFor('message-receipt.update', (updates) =>
      updates.some((u) => u.key.id === sent!.key.id && u.receipt.userJid === lid(MIA) && !!u.receipt.readTimestamp),
    );
    sim.sendReceipt(MIA, KIM, [sent!.key.id!], 'read', groupJid);
    await receipt;
  });

  it('notifies participant changes and includes new members in later sends', async () => {
    const added = kim.waitFor(
      'group-participants.update',
      (u) => u.action === 'add' && u.participants.some((p) => p.id === jid(NED) || p.phoneNumber === jid(NED)),
    );
    sim.updateGroupParticipants(groupJid, LEO, 'add', [NED]);
    expect(await added).toMatchObject({ id: groupJid, author: lid(LEO) });

    const sent = await kim.sock.sendMessage(groupJid, { text: 'welcome ned' });
    await sim.waitForMessage(NED, (m) => m.id === sent!.key.id);

    const removed = kim.waitFor(
      'group-participants.update',
      (u) => u.action === 'remove' && u.participants.some((p) => p.id === jid(MIA) || p.phoneNumber === jid(MIA)),
    );
    sim.updateGroupParticipants(groupJid, KIM, 'remove', [MIA]);
    await removed;
    expect(
      sim
        .group(groupJid)
        ?.participants.map((p) => p.phone)
        .sort(),
    ).toEqual([KIM, LEO, NED].sort());
  });

  it('adds members on the companion request', async () => {
    const result = await kim.sock.groupParticipantsUpdate(groupJid, [jid(MIA)], 'add');
    expect(result).toEqual([expect.objectContaining({ status: '200', jid: jid(MIA) })]);
    expect(result[0].content?.attrs.lid).toBe(lid(MIA));
    const upsert = kim.waitFor('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'back again'));
    await sim.sendToGroup(MIA, groupJid, { type: 'text', text: 'back again' });
    await upsert;
  });

  it('lets a contact create a group with the companion in it', async () => {
    const upserted = kim.waitFor('groups.upsert', (groups) => groups.some((g) => g.subject === 'Book club'));
    const group = sim.createGroup(LEO, 'Book club', [KIM, MIA]);
    await upserted;
    const participating = await kim.sock.groupFetchAllParticipating();
    expect(Object.keys(participating)).toEqual(expect.arrayContaining([groupJid, group.id]));
  });
});

/** A refused IQ as Baileys raises it: a Boom whose `data` is WhatsApp's error code. */
async function iqCode(call: Promise<unknown>): Promise<unknown> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return (error as { data?: unknown }).data;
}

describe('WhatsAppSimulator group administration', () => {
  const ANA = '15550007101';
  const BOB = '15550007102';
  const CY = '15550007103';
  const DEE = '15550007104';
  let sim: WhatsAppSimulator;
  let ana: TestClient;
  let bob: TestClient;
  let groupJid: string;
  const lid = (phone: string) => sim.phone(phone).lid;

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createPhone(CY, { pushName: 'Cy' });
    sim.createPhone(DEE, { pushName: 'Dee' });
    sim.setGroupAddPrivacy(CY, 'nobody');
    ana = await pairedClient(sim, ANA, 'Ana');
    bob = await pairedClient(sim, BOB, 'Bob');
  });

  afterAll(async () => {
    await ana.close();
    await bob.close();
    await sim.stop();
  });

  it('creates a group: the refused member comes back with an invitation, every member device gets create', async () => {
    const bobUpsert = bob.waitFor('groups.upsert', (groups) => groups.some((g) => g.subject === 'Admins'));
    const anaUpsert = ana.waitFor('groups.upsert', (groups) => groups.some((g) => g.subject === 'Admins'));
    const result = (await ana.sock.query({
      tag: 'iq',
      attrs: { type: 'set', xmlns: 'w:g2', to: '@g.us' },
      content: [
        {
          tag: 'create',
          attrs: { subject: 'Admins', key: 'K1' },
          content: [jid(BOB), jid(CY)].map((j) => ({ tag: 'participant', attrs: { jid: j } })),
        },
      ],
    })) as BinaryNode;
    const group = getBinaryNodeChild(result, 'group')!;
    groupJid = `${group.attrs.id}@g.us`;
    const refused = getBinaryNodeChildren(group, 'participant').filter((p) => p.attrs.error);
    expect(refused.map((p) => [p.attrs.jid, p.attrs.error])).toEqual([[jid(CY), '403']]);
    expect(getBinaryNodeChild(refused[0], 'add_request')?.attrs).toEqual({ code: expect.any(String), expiration: expect.any(String) });
    expect((await bobUpsert).find((g) => g.id === groupJid)).toMatchObject({ author: lid(ANA), owner: lid(ANA) });
    await anaUpsert;
    expect(
      sim
        .group(groupJid)
        ?.participants.map((p) => p.phone)
        .sort(),
    ).toEqual([ANA, BOB].sort());
  });

  it('answers metadata only to members (403), and 404 for a group that does not exist', async () => {
    const other = sim.createGroup(DEE, 'Elsewhere', [CY]);
    expect(await iqCode(bob.sock.groupMetadata(other.id))).toBe(403);
    expect(await iqCode(bob.sock.groupMetadata('120363999999999999@g.us'))).toBe(404);
  });

  it('changes subject and description, notifying the other members; a locked group lets only admins', async () => {
    const subject = bob.waitFor('groups.update', (u) => u.some((g) => g.subject === 'Admins only'));
    await ana.sock.groupUpdateSubject(groupJid, 'Admins only');
    expect((await subject).find((g) => g.id === groupJid)).toMatchObject({ author: lid(ANA) });

    const described = bob.waitFor('groups.update', (u) => u.some((g) => g.desc === 'The rules'));
    await ana.sock.groupUpdateDescription(groupJid, 'The rules');
    await described;
    const metadata = await bob.sock.groupMetadata(groupJid);
    expect(metadata).toMatchObject({ desc: 'The rules', descOwner: lid(ANA), descOwnerPn: jid(ANA) });

    const removed = bob.waitFor('groups.update', (u) => u.some((g) => g.id === groupJid && 'desc' in g && g.desc === undefined));
    await bob.sock.groupUpdateDescription(groupJid, undefined);
    await removed;
    expect((await ana.sock.groupMetadata(groupJid)).desc).toBeUndefined();

    const locked = bob.waitFor('groups.update', (u) => u.some((g) => g.restrict === true));
    await ana.sock.groupSettingUpdate(groupJid, 'locked');
    await locked;
    expect(await iqCode(bob.sock.groupUpdateSubject(groupJid, 'mine'))).toBe(401);
    expect(await iqCode(bob.sock.groupUpdateDescription(groupJid, 'mine'))).toBe(401);
    expect(await iqCode(bob.sock.groupSettingUpdate(groupJid, 'unlocked'))).toBe(401);
    await ana.sock.groupSettingUpdate(groupJid, 'unlocked');
    await bob.sock.groupUpdateSubject(groupJid, 'Anyone may');
    expect(sim.group(groupJid)).toMatchObject({ subject: 'Anyone may', locked: false });
  });

  it('keeps every setting and announces each one', async () => {
    const modes = bob.waitFor('groups.update', (u) => u.some((g) => g.memberAddMode === false));
    await ana.sock.groupMemberAddMode(groupJid, 'admin_add');
    await modes;
    const approval = bob.waitFor('groups.update', (u) => u.some((g) => g.joinApprovalMode === true));
    await ana.sock.groupJoinApprovalMode(groupJid, 'on');
    await approval;
    const ephemeral = bob.waitFor('messages.upsert', (u) =>
      u.messages.some((m) => m.key.remoteJid === groupJid && m.message?.protocolMessage?.ephemeralExpiration === 604800),
    );
    await ana.sock.groupToggleEphemeral(groupJid, 604800);
    await ephemeral;
    expect(await bob.sock.groupMetadata(groupJid)).toMatchObject({
      memberAddMode: false,
      joinApprovalMode: true,
      ephemeralDuration: 604800,
      announce: false,
      restrict: false,
    });
    expect(await iqCode(bob.sock.groupJoinApprovalMode(groupJid, 'off'))).toBe(401);
    await ana.sock.groupJoinApprovalMode(groupJid, 'off');
    await ana.sock.groupToggleEphemeral(groupJid, 0);
    expect(sim.group(groupJid)).toMatchObject({ memberAddMode: 'admin_add', joinApproval: false, ephemeral: 0 });
  });

  it('refuses a member’s message in an announcement group, in the ack, and delivers an admin’s', async () => {
    const announced = bob.waitFor('groups.update', (u) => u.some((g) => g.announce === true));
    await ana.sock.groupSettingUpdate(groupJid, 'announcement');
    await announced;
    const sent = await bob.sock.sendMessage(groupJid, { text: 'may I?' });
    // the refusal arrives as an ack error: Baileys reports it as an update, or folds it into its own upsert
    const refusal = () =>
      [
        ...bob.events('messages.update').flatMap((u) => u.filter((m) => m.key.id === sent!.key.id).map((m) => m.update)),
        ...bob.events('messages.upsert').flatMap((u) => u.messages.filter((m) => m.key.id === sent!.key.id)),
      ].find((m) => m.status === proto.WebMessageInfo.Status.ERROR);
    const deadline = Date.now() + 10_000;
    while (!refusal() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(refusal()?.messageStubParameters).toEqual(['403']);
    // a simulated phone is held to the same rule
    await expect(sim.sendToGroup(BOB, groupJid, { type: 'text', text: 'from the phone' })).rejects.toMatchObject({ code: 401 });
    await expect(sim.sendToGroup(CY, groupJid, { type: 'text', text: 'not a member' })).rejects.toMatchObject({ code: 403 });
    const fromAdmin = await ana.sock.sendMessage(groupJid, { text: 'admins speak' });
    await bob.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === fromAdmin!.key.id));
    expect(sim.received(ANA).some((m) => m.id === sent!.key.id)).toBe(false);
    await ana.sock.groupSettingUpdate(groupJid, 'not_announcement');
  });

  it('answers each member of a bulk change on its own, and lets only admins change members', async () => {
    expect(await iqCode(bob.sock.groupParticipantsUpdate(groupJid, [jid(DEE)], 'add'))).toBe(401);
    const results = await ana.sock.groupParticipantsUpdate(groupJid, [jid(BOB), jid(CY), jid(DEE)], 'add');
    expect(results.map((r) => [r.jid, r.status])).toEqual([
      [jid(BOB), '409'],
      [jid(CY), '403'],
      [jid(DEE), '200'],
    ]);
    expect(getBinaryNodeChild(results[1].content, 'add_request')?.attrs.code).toEqual(expect.any(String));
    expect(results[2].content?.attrs.lid).toBe(lid(DEE));
    const added = await bob.waitFor(
      'group-participants.update',
      (u) => u.action === 'add' && u.participants.some((p) => p.phoneNumber === jid(DEE)),
    );
    expect(added).toMatchObject({ id: groupJid, author: lid(ANA) });

    expect((await ana.sock.groupParticipantsUpdate(groupJid, ['15550009999@s.whatsapp.net'], 'promote'))[0].status).toBe('404');
    const promoted = bob.waitFor('group-participants.update', (u) => u.action === 'promote');
    await ana.sock.groupParticipantsUpdate(groupJid, [jid(BOB)], 'promote');
    expect((await promoted).participants).toEqual([expect.objectContaining({ id: lid(BOB), phoneNumber: jid(BOB) })]);
    expect((await bob.sock.groupParticipantsUpdate(groupJid, [jid(ANA)], 'remove'))[0].status).toBe('403');
    await bob.sock.groupParticipantsUpdate(groupJid, [jid(DEE)], 'remove');
    const demoted = bob.waitFor('group-participants.update', (u) => u.action === 'demote');
    await ana.sock.groupParticipantsUpdate(groupJid, [jid(BOB)], 'demote');
    await demoted;
    expect(sim.group(groupJid)?.participants).toEqual(
      expect.arrayContaining([
        { phone: ANA, admin: 'superadmin' },
        { phone: BOB, admin: null },
      ]),
    );
  });

  it('serves invite codes to admins; joins by link, with approval when the group wants it', async () => {
    expect(await iqCode(bob.sock.groupInviteCode(groupJid))).toBe(401);
    const code = await ana.sock.groupInviteCode(groupJid);
    const fresh = await ana.sock.groupRevokeInvite(groupJid);
    expect(fresh).not.toBe(code);
    expect(await ana.sock.groupGetInviteInfo(fresh!)).toMatchObject({ id: groupJid, subject: 'Anyone may', size: 2, participants: [] });
    expect(await iqCode(ana.sock.groupGetInviteInfo(code!))).toBe(410);
    expect(await iqCode(ana.sock.groupAcceptInvite('NotACode0000000000000'))).toBe(406);
    expect(await iqCode(bob.sock.groupAcceptInvite(fresh!))).toBe(409);

    const left = ana.waitFor('group-participants.update', (u) => u.action === 'remove' && u.author === lid(BOB));
    await bob.sock.groupLeave(groupJid);
    await left;
    const rejoined = bob.waitFor('groups.upsert', (groups) => groups.some((g) => g.id === groupJid));
    expect(await bob.sock.groupAcceptInvite(fresh!)).toBe(groupJid);
    await rejoined;

    await ana.sock.groupJoinApprovalMode(groupJid, 'on');
    const request = ana.waitFor('group.join-request', (r) => r.action === 'created' && r.participantPn === jid(DEE));
    expect(sim.joinGroupByInvite(DEE, fresh!)).toEqual({ group: groupJid, status: 'pending_approval' });
    expect(await request).toMatchObject({ id: groupJid, participant: lid(DEE), method: 'invite_link' });
    expect(await ana.sock.groupRequestParticipantsList(groupJid)).toEqual([
      expect.objectContaining({ jid: lid(DEE), phone_number: jid(DEE), request_method: 'invite_link' }),
    ]);
    expect(await iqCode(bob.sock.groupRequestParticipantsList(groupJid))).toBe(401);
    const approved = bob.waitFor(
      'group-participants.update',
      (u) => u.action === 'add' && u.participants.some((p) => p.phoneNumber === jid(DEE)),
    );
    expect(await ana.sock.groupRequestParticipantsUpdate(groupJid, [lid(DEE), lid(CY)], 'approve')).toEqual([
      { status: '200', jid: lid(DEE) },
      { status: '404', jid: lid(CY) },
    ]);
    await approved;
    await ana.sock.groupJoinApprovalMode(groupJid, 'off');
  });

  it('lets a privacy-refused person join with the private invitation', async () => {
    const [outcome] = sim.updateGroupParticipants(groupJid, ANA, 'add', [CY]).outcomes;
    expect(outcome).toMatchObject({ status: 403, addRequest: { code: expect.any(String) } });
    const added = bob.waitFor(
      'group-participants.update',
      (u) => u.action === 'add' && u.participants.some((p) => p.phoneNumber === jid(CY)),
    );
    sim.acceptGroupInvitation(CY, groupJid, outcome.addRequest!.code);
    await added;
    expect(() => sim.acceptGroupInvitation(CY, groupJid, 'wrong')).toThrow(GroupRefusal);
  });

  it('sets, serves and removes the group icon, notifying members', async () => {
    expect(await iqCode(ana.sock.profilePictureUrl(groupJid, 'preview'))).toBe(404);
    const jpeg = await sharp({ create: { width: 640, height: 640, channels: 3, background: '#c63' } })
      .jpeg()
      .toBuffer();
    const changed = bob.waitFor('contacts.update', (u) => u.some((c) => c.id === groupJid && c.imgUrl === 'changed'));
    const stub = bob.waitFor('messages.upsert', (u) =>
      u.messages.some((m) => m.key.remoteJid === groupJid && m.messageStubType === WAMessageStubType.GROUP_CHANGE_ICON),
    );
    await ana.sock.updateProfilePicture(groupJid, jpeg);
    await changed;
    expect((await stub).messages[0].key.participant).toBe(lid(ANA));
    const url = await bob.sock.profilePictureUrl(groupJid, 'image');
    expect(url).toBe(sim.group(groupJid)?.pictureUrl);
    const outsider = sim.createGroup(DEE, 'Hidden', [CY]);
    sim.setGroupPicture(outsider.id, DEE, jpeg);
    expect(await iqCode(bob.sock.profilePictureUrl(outsider.id, 'preview'))).toBe(401);

    const removed = bob.waitFor('contacts.update', (u) => u.some((c) => c.id === groupJid && c.imgUrl === 'removed'));
    await ana.sock.removeProfilePicture(groupJid);
    await removed;
    expect(await iqCode(bob.sock.profilePictureUrl(groupJid, 'preview'))).toBe(404);
  });

  it('lets simulated phones act in groups through the control API, with the same permissions', async () => {
    const subject = ana.waitFor('groups.update', (u) => u.some((g) => g.subject === 'Set by Cy'));
    sim.setGroupSubject(groupJid, CY, 'Set by Cy');
    expect((await subject).find((g) => g.subject === 'Set by Cy')).toMatchObject({ author: lid(CY) });
    expect(() => sim.changeGroupSetting(groupJid, CY, { announce: true })).toThrow(expect.objectContaining({ code: 401 }));
    expect(() => sim.updateGroupParticipants(groupJid, CY, 'remove', [BOB])).toThrow(expect.objectContaining({ code: 401 }));
    const left = ana.waitFor('group-participants.update', (u) => u.action === 'remove' && u.author === lid(CY));
    sim.leaveGroup(groupJid, CY);
    await left;
    expect(() => sim.setGroupDescription(groupJid, CY, 'gone')).toThrow(expect.objectContaining({ code: 403 }));
  });
});
