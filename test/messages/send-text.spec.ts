import { ChannelStateWriter } from '../../src/modules/channels/channel-state.writer';
import { ChannelsRepository, RECENT_CHANNEL_TTL_MS } from '../../src/modules/channels/channels.repository';
import { bearer, errorCode } from '../support/http';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';
import { useTestContext } from '../support/context';

describe('Sending and receiving text', () => {
  const ctx = useTestContext();

  it('persists, sends through Baileys, and the simulated contact receives it; acks and receipts drive the status', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Bob' });

    const res = await channel.send({ type: 'text', to: contact, text: 'hello Bob', client_ref: 'first' }, 202, { prefer: 'wait=10' });
    expect(res.body).toEqual({ message_id: expect.stringMatching(/^msg_/), client_ref: 'first', status: 'sent' });
    expect(res.headers['preference-applied']).toBe('wait=10');

    const received = await ctx.simulator.waitForMessage(digits(contact), (m) => m.content.type === 'text');
    expect(received.content).toEqual({ type: 'text', text: 'hello Bob' });
    expect(received.from).toBe(digits(channel.phone));

    // The simulator's phone acknowledges delivery by itself; a read receipt follows from the contact.
    const delivered = await channel.waitForStatus(res.body.message_id, 'delivered');
    expect(delivered.wa_message_id).toBe(received.id);
    ctx.simulator.sendReceipt(digits(contact), digits(channel.phone), [received.id], 'read');
    const read = await channel.waitForStatus(res.body.message_id, 'read');
    expect(read).toMatchObject({ direction: 'outbound', type: 'text', text: 'hello Bob', chat_id: `${digits(contact)}@s.whatsapp.net` });
    expect(read.sent_at).not.toBeNull();
    expect(read.delivered_at).not.toBeNull();
    expect(read.read_at).not.toBeNull();

    expect((await channel.events('message.sent')).map((p) => p.message_id)).toEqual([res.body.message_id]);
    expect((await channel.events('message.delivered')).map((p) => p.message_id)).toEqual([res.body.message_id]);
    expect((await channel.events('message.read')).map((p) => p.message_id)).toEqual([res.body.message_id]);
  });

  it('issues a contact its privacy token once, not with every message (as WhatsApp Web: once a week)', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Tia' });
    for (let n = 0; n < 4; n++) {
      const res = await channel.send({ type: 'text', to: contact, text: `token ${n}` });
      await channel.waitForStatus(res.body.message_id, 'delivered');
    }
    // Baileys issues it without waiting, after the first send; its answer has come once it is recorded.
    await eventually(
      async () => ctx.simulator.privacyTokensIssued(digits(channel.phone)),
      (issued) => issued.length === 1,
    );
    expect(ctx.simulator.privacyTokensIssued(digits(channel.phone))).toEqual([
      { jid: expect.any(String), type: 'trusted_contact', t: expect.any(Number), times: 1 },
    ]);
  });

  it('answers queued at once by default and with respond-async, and waits only as long as Prefer: wait asks', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Bea' });

    const immediate = await channel.send({ type: 'text', to: contact, text: 'no wait' });
    expect(immediate.body.status).toBe('queued');
    expect(immediate.headers['preference-applied']).toBeUndefined();
    const async = await channel.send({ type: 'text', to: contact, text: 'async' }, 202, { prefer: 'respond-async, wait=5' });
    expect(async.body.status).toBe('queued');
    expect(async.headers['preference-applied']).toBe('respond-async');
    // Both still go out without anyone waiting for them.
    for (const text of ['no wait', 'async'])
      await ctx.simulator.waitForMessage(digits(contact), (m) => m.content.type === 'text' && m.content.text === text);

    // A wait above the cap is capped (MESSAGE_SEND_MAX_WAIT_MS, 10 s) and says so.
    const capped = await channel.send({ type: 'text', to: contact, text: 'capped' }, 202, { prefer: 'wait=600' });
    expect(capped.body.status).toBe('sent');
    expect(capped.headers['preference-applied']).toBe('wait=10');
  });

  it('stores an inbound text once, updates chat and contact, publishes message.received, and marks it read', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Carol' });
    const waId = await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'text', text: 'hi there' });

    const page = await eventually(
      () => channel.history({ direction: 'inbound' }),
      (p) => p.data.length === 1,
    );
    const message = page.data[0];
    expect(message).toMatchObject({
      direction: 'inbound',
      type: 'text',
      text: 'hi there',
      status: 'received',
      wa_message_id: waId,
      from: `${digits(contact)}@s.whatsapp.net`,
      chat_id: `${digits(contact)}@s.whatsapp.net`,
      push_name: 'Carol',
    });
    const events = await eventually(
      () => channel.events('message.received'),
      (e) => e.length === 1,
    );
    // The whole message, as the messages API presents it.
    expect(events[0]).toEqual({ message_id: message.id, chat_id: message.chat_id, message, is_story: false });

    const chat = await channel.http
      .get(`/v1/channels/${channel.id}/chats/${encodeURIComponent(message.chat_id)}`)
      .set(bearer(channel.key))
      .expect(200);
    expect(chat.body).toMatchObject({ id: message.chat_id, unread_count: 1, unread: true, phone_number: contact });
    const contacts = await channel.http.get(`/v1/channels/${channel.id}/contacts`).set(bearer(channel.key)).expect(200);
    expect(contacts.body.data).toEqual([expect.objectContaining({ id: message.chat_id, push_name: 'Carol', phone_number: contact })]);

    const read = await channel.http.post(`/v1/channels/${channel.id}/messages/${message.id}/read`).set(bearer(channel.key)).expect(200);
    expect(read.body.status).toBe('read');
    await ctx.simulator.waitForReceipt(digits(contact), waId, 'read');
  });

  it('refuses a send on a channel that is not meant to be connected (channel_unavailable)', async () => {
    const channel = await ctx.newChannel({ paired: true });
    await channel.http.post(`/v1/channels/${channel.id}/disconnect`).set(bearer(channel.key)).expect(200);
    const res = await channel.send({ type: 'text', to: newPhone(), text: 'x' }, 409);
    expect(errorCode(res)).toBe('channel_unavailable');
  });

  it('forgets the channel read for sends the moment this gateway changes it: a state change, a rename, a delete', async () => {
    // On the repository itself: through HTTP, each change takes longer than the read window, and the test could not fail.
    const channel = await ctx.newChannel({ paired: true });
    const channels = ctx.gw.app.get(ChannelsRepository);
    const read = (await channels.findRecentByClientId(channel.id))!;
    expect(read.state).toBe('connected');
    await ctx.gw.app.get(ChannelStateWriter).apply(read, { state: 'stopped_by_user', wantConnected: false });
    expect(await channels.findRecentByClientId(channel.id.toUpperCase())).toMatchObject({ state: 'stopped_by_user', wantConnected: false });
    await channels.update(channel.id, { name: 'Renamed' });
    expect(await channels.findRecentByClientId(channel.id)).toMatchObject({ name: 'Renamed' });
    await channels.markDeleted(channel.id, new Date());
    expect((await channels.findRecentByClientId(channel.id))?.deletedAt).toBeInstanceOf(Date);
    expect(errorCode(await channel.send({ type: 'text', to: newPhone(), text: 'after' }, 409))).toBe('channel_unavailable');
  });

  it('refuses a send once the channel read window passed after another process stopped the channel', async () => {
    const channel = await ctx.newChannel({ paired: true });
    await channel.send({ type: 'text', to: newPhone(), text: 'before' }, 202);
    // As a worker holding the socket, or the operator CLI, writes it: in the database, not through this process.
    await ctx.prisma.channel.update({ where: { id: channel.id }, data: { state: 'stopped_by_user', wantConnected: false } });
    await new Promise((resolve) => setTimeout(resolve, RECENT_CHANNEL_TTL_MS + 10));
    expect(errorCode(await channel.send({ type: 'text', to: newPhone(), text: 'after' }, 409))).toBe('channel_unavailable');
  });
});
