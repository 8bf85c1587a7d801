import { GroupRefusal, type WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

const KIM = '15550008001';
const LEO = '15550008002';
const MIA = '15550008003';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

/** Baileys 7's own community functions against the simulator: each answered as WhatsApp answers it, refusals included. */
describe('WhatsAppSimulator communities', () => {
  let sim: WhatsAppSimulator;
  let kim: TestClient;
  let community: string;
  let announcement: string;

  beforeAll(async () => {
    sim = await startSimulator();
    for (const phone of [LEO, MIA]) sim.createPhone(phone);
    kim = await pairedClient(sim, KIM, 'Kim');
  });

  afterAll(async () => {
    await kim.close();
    await sim.stop();
  });

  it('communityCreate makes the community and its announcement group, both announced to the creator', async () => {
    const upserts = kim.waitFor('groups.upsert', (groups) => groups.some((g) => g.isCommunityAnnounce));
    const created = await kim.sock.communityCreate('Street', 'Our street');
    expect(created).toMatchObject({ subject: 'Street', desc: 'Our street', isCommunity: true, isCommunityAnnounce: false });
    community = created!.id;
    const [announced] = (await upserts).filter((g) => g.isCommunityAnnounce);
    announcement = announced.id;
    expect(announced).toMatchObject({ subject: 'Street', linkedParent: community, announce: true });
    expect(sim.community(community)).toMatchObject({ announcementGroup: announcement, groups: [], isCommunity: true });
  });

  it('communityCreateGroup, communityFetchLinkedGroups, communityUnlinkGroup and communityLinkGroup', async () => {
    const inside = await kim.sock.communityCreateGroup('Garden', [jid(LEO)], community);
    expect(inside).toMatchObject({ subject: 'Garden', linkedParent: community, isCommunity: false });
    const linked = await kim.sock.communityFetchLinkedGroups(community);
    expect(linked.isCommunity).toBe(true);
    expect(linked.linkedGroups.map((g) => g.id).sort()).toEqual([announcement, inside!.id].sort());
    expect(linked.linkedGroups.find((g) => g.id === inside!.id)).toMatchObject({ subject: 'Garden', size: 2 });
    // asked from a linked group, Baileys reads the community first
    expect((await kim.sock.communityFetchLinkedGroups(inside!.id)).communityJid).toBe(community);

    await kim.sock.communityUnlinkGroup(inside!.id, community);
    expect((await kim.sock.groupMetadata(inside!.id)).linkedParent).toBeUndefined();
    await kim.sock.communityLinkGroup(inside!.id, community);
    expect((await kim.sock.groupMetadata(inside!.id)).linkedParent).toBe(community);
    await expect(kim.sock.communityLinkGroup(inside!.id, community)).rejects.toMatchObject({ data: 409 });
    await expect(kim.sock.communityUnlinkGroup(announcement, community)).rejects.toMatchObject({ data: 400 });
  });

  it('communityParticipantsUpdate: adds reach the announcement group, a removal every linked group', async () => {
    const added = await kim.sock.communityParticipantsUpdate(community, [jid(LEO), jid(MIA)], 'add');
    expect(added.map((r) => r.status)).toEqual(['200', '200']);
    const phones = (group: string) => sim.group(group)!.participants.map((p) => p.phone);
    expect(phones(announcement)).toEqual(expect.arrayContaining([LEO, MIA]));
    const [garden] = sim.community(community)!.groups;
    expect(phones(garden)).toContain(LEO);

    const removed = await kim.sock.communityParticipantsUpdate(community, [jid(LEO)], 'remove');
    expect(removed.map((r) => r.status)).toEqual(['200']);
    for (const group of [community, announcement, garden]) expect(phones(group)).not.toContain(LEO);
    expect(phones(community)).toContain(MIA);
  });

  it('refuses what WhatsApp refuses on a community', async () => {
    await expect(kim.sock.groupSettingUpdate(community, 'announcement')).rejects.toMatchObject({ data: 400 });
    await expect(kim.sock.communityMemberAddMode(community, 'all_member_add')).rejects.toMatchObject({ data: 400 });
    await kim.sock.communityJoinApprovalMode(community, 'on');
    expect(sim.group(community)!.joinApproval).toBe(true);
    const plain = await kim.sock.groupCreate('Plain', [jid(MIA)]);
    const subGroups = kim.sock.query({
      tag: 'iq',
      attrs: { to: plain.id, type: 'get', xmlns: 'w:g2' },
      content: [{ tag: 'sub_groups', attrs: {} }],
    });
    await expect(subGroups).rejects.toMatchObject({ data: 400 });
    // a simulated member is refused as the companion is
    expect(() => sim.createCommunityGroup(community, MIA, 'Mine', [])).toThrow(GroupRefusal);
  });

  it('communityLeave leaves the community and its announcement group', async () => {
    const theirs = sim.createCommunity(MIA, 'Theirs', null, [KIM]);
    expect(sim.group(theirs.announcementGroup!)!.participants.map((p) => p.phone)).toContain(KIM);
    await kim.sock.communityLeave(theirs.id);
    expect(sim.group(theirs.id)!.participants.map((p) => p.phone)).not.toContain(KIM);
    expect(sim.group(theirs.announcementGroup!)!.participants.map((p) => p.phone)).not.toContain(KIM);
  });
});
