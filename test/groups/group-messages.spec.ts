import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';
import { groupsOf, sandboxGroupsOf } from './support/groups';

/** Messages in groups go through POST …/messages with the group as `to`, and come back as any message does. */
describe('Group messages', () => {
  const ctx = useTestContext();

  it('sends to a group created through the API: three members decrypt it and read it, once read for the sender', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const members = [newPhone(), newPhone(), newPhone()];
    for (const phone of members) ctx.simulator.createPhone(digits(phone));
    const { id } = (await groupsOf(channel).post('', { subject: 'Readers', participants: members }).expect(201)).body;

    const sent = await channel.send({ type: 'text', to: id, text: 'hello readers' });
    const { wa_message_id: waId } = await eventually(
      () => channel.message(sent.body.message_id),
      (m) => m.status === 'sent' || m.status === 'delivered',
    );
    for (const phone of members) {
      const received = await ctx.simulator.waitForMessage(digits(phone), (m) => m.id === waId);
      expect(received).toMatchObject({ from: digits(channel.phone), group: id, content: { type: 'text', text: 'hello readers' } });
    }
    for (const phone of members) ctx.simulator.sendReceipt(digits(phone), digits(channel.phone), [waId], 'read', id);

    const read = await channel.waitForStatus(sent.body.message_id, 'read');
    expect(read).toMatchObject({ chat_id: id, status: 'read' });
    const events = await eventually(
      () => channel.events('message.read'),
      (list) => list.length >= 1,
    );
    expect(events).toEqual([expect.objectContaining({ message_id: sent.body.message_id, chat_id: id })]);
  });

  it('receives a member’s message in a group, with its author', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const ana = newPhone();
    const group = (await sandboxGroupsOf(channel).post('', { from: ana, subject: 'Chatty' }).expect(201)).body;
    await sandboxGroupsOf(channel).post(`/${group.group_id}/messages`, { from: ana, type: 'text', text: 'hi all' }).expect(202);
    const [received] = await eventually(
      () => channel.events('message.received'),
      (list) => list.length === 1,
    );
    expect(received).toMatchObject({
      chat_id: group.group_id,
      message: { from: `${digits(ana)}@s.whatsapp.net`, from_lid: ctx.simulator.phone(digits(ana)).lid, text: 'hi all' },
    });
  });
});
