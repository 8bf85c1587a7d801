import type { WhatsAppSimulator } from '../../src/simulator';
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
