import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { digits, newPhone } from '../support/phones';

/**
 * WhatsApp now addresses most accounts by LID. The simulator does too (every account has a LID, usync answers
 * the LID protocol, envelopes carry the phone number beside the LID, groups run in `lid` addressing mode); the
 * gateway must keep speaking phone numbers where it knows them, with the LID beside them.
 */
describe('LID addressing', () => {
  const ctx = useTestContext();

  it('sends to the phone number of a LID-addressed account, and the phone decrypts it', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    const phone = ctx.simulator.createPhone(digits(contact), { pushName: 'Lia', addressing: 'lid' });
    expect(phone.lid).toMatch(/^\d+@lid$/);

    const res = await channel.send({ type: 'text', to: contact, text: 'to your number' });
    const received = await ctx.simulator.waitForMessage(digits(contact), (m) => m.content.type === 'text');
    expect(received.content).toEqual({ type: 'text', text: 'to your number' });
    const sent = await channel.waitForStatus(res.body.message_id, 'delivered');
    expect(sent.chat_id).toBe(`${digits(contact)}@s.whatsapp.net`);

    // what Baileys learnt about the pair is kept with the channel's keys, encrypted like the rest
    const mappings = await ctx.prisma.channelAuthEntry.findMany({ where: { channelId: channel.id, type: 'lid-mapping' } });
    expect(mappings.map((m) => m.keyId)).toEqual(expect.arrayContaining([digits(contact)]));
    for (const row of mappings) expect(Buffer.from(row.value).toString('latin1')).not.toContain(phone.lid.split('@')[0]);
    // and so is the contact's device list (kept by phone-number user)
    const devices = await ctx.prisma.channelAuthEntry.findMany({ where: { channelId: channel.id, type: 'device-list' } });
    expect(devices.map((d) => d.keyId)).toEqual(expect.arrayContaining([digits(contact)]));
  });

  it('sends to a LID given as the recipient', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    const { lid } = ctx.simulator.createPhone(digits(contact), { pushName: 'Noa' });
    await channel.send({ type: 'text', to: lid, text: 'to your lid' });
    const received = await ctx.simulator.waitForMessage(digits(contact), (m) => m.content.type === 'text');
    expect(received.content).toEqual({ type: 'text', text: 'to your lid' });
  });

  it('reports a LID sender by phone number, with the LID on the contact', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    const { lid } = ctx.simulator.createPhone(digits(contact), { pushName: 'Ravi', addressing: 'lid' });
    await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'text', text: 'from my lid' });

    const page = await eventually(
      () => channel.history({ direction: 'inbound' }),
      (p) => p.data.length === 1,
    );
    const pnJid = `${digits(contact)}@s.whatsapp.net`;
    expect(page.data[0]).toMatchObject({ chat_id: pnJid, from: pnJid, from_lid: lid, text: 'from my lid', push_name: 'Ravi' });

    const contacts = await channel.http.get(`/v1/channels/${channel.id}/contacts`).set(bearer(channel.key)).expect(200);
    expect(contacts.body.data).toEqual([expect.objectContaining({ id: pnJid, lid, phone_number: contact })]);
    const [received] = await channel.events('message.received');
    expect(received).toMatchObject({ chat_id: pnJid, message: { from: pnJid, from_lid: lid } });
  });

  it('runs a group in lid addressing mode both ways, members reported by phone number', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const [ana, ben] = [newPhone(), newPhone()];
    ctx.simulator.createPhone(digits(ana), { pushName: 'Ana' });
    ctx.simulator.createPhone(digits(ben), { pushName: 'Ben' });
    const group = ctx.simulator.createGroup(digits(ana), 'LID group', [digits(ben), digits(channel.phone)]);

    await ctx.simulator.sendToGroup(digits(ana), group.id, { type: 'text', text: 'hello group' });
    const page = await eventually(
      () => channel.history({ direction: 'inbound' }),
      (p) => p.data.length === 1,
    );
    expect(page.data[0]).toMatchObject({
      chat_id: group.id,
      from: `${digits(ana)}@s.whatsapp.net`,
      from_lid: ctx.simulator.phone(digits(ana)).lid,
      text: 'hello group',
    });

    await channel.send({ type: 'text', to: group.id, text: 'hello members' });
    for (const member of [ana, ben]) {
      const received = await ctx.simulator.waitForMessage(digits(member), (m) => m.group === group.id && m.content.type === 'text');
      expect(received).toMatchObject({ from: digits(channel.phone), content: { type: 'text', text: 'hello members' } });
    }
  });
});
