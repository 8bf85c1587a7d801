import { bearer, errorCode } from '../support/http';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';
import { useTestContext } from '../support/context';
import type { TestChannel } from '../support/channels';

describe('Message types', () => {
  const ctx = useTestContext();
  let channel: TestChannel;
  let contact: string;
  beforeAll(async () => {
    channel = await ctx.newChannel({ paired: true });
    contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Dana' });
  });

  async function sendAndReceive(body: Record<string, unknown>) {
    const res = await channel.send({ to: contact, ...body }, 202, { prefer: 'wait=10' });
    expect(res.body.status).toBe('sent');
    const row = await channel.message(res.body.message_id);
    const received = await ctx.simulator.waitForMessage(digits(contact), (m) => m.id === row.wa_message_id);
    return { id: res.body.message_id as string, received: received.content, row };
  }

  it('sends a location', async () => {
    const { received } = await sendAndReceive({
      type: 'location',
      location: { latitude: 52.52, longitude: 13.405, name: 'Berlin', address: 'Mitte' },
    });
    expect(received).toEqual({ type: 'location', latitude: 52.52, longitude: 13.405, name: 'Berlin', address: 'Mitte' });
  });

  it('sends a contact card built from its fields', async () => {
    const { received, row } = await sendAndReceive({
      type: 'contact',
      contact: { name: 'Eve Example', phones: [{ phone: '+15550009999', type: 'work' }] },
    });
    expect(received).toMatchObject({ type: 'contact', displayName: 'Eve Example' });
    expect((received as { vcard: string }).vcard).toContain('waid=15550009999');
    expect(row.contact).toMatchObject({ name: 'Eve Example', phones: [{ phone: '+15550009999', type: 'work' }] });
  });

  it('sends a reaction to a received message', async () => {
    const waId = await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'text', text: 'react to me' });
    const inbound = await eventually(
      () => channel.history({ direction: 'inbound', type: 'text' }),
      (p) => p.data.some((m: { wa_message_id: string }) => m.wa_message_id === waId),
    );
    const target = inbound.data.find((m: { wa_message_id: string }) => m.wa_message_id === waId);
    const { received } = await sendAndReceive({ type: 'reaction', reaction: { message_id: target.id, emoji: '👍' } });
    expect(received).toEqual({ type: 'reaction', messageId: waId, emoji: '👍' });
  });

  it('renders a template as text', async () => {
    const { received } = await sendAndReceive({
      type: 'template',
      template: {
        name: 'order_update',
        header: 'Order 42',
        body: 'Your order shipped.',
        footer: 'Thanks',
        buttons: [
          { type: 'quick_reply', text: 'Track' },
          { type: 'url', text: 'Open', url: 'https://example.com/o/42' },
        ],
      },
    });
    expect(received).toEqual({
      type: 'text',
      text: '*Order 42*\n\nYour order shipped.\n\n_Thanks_\n\n▸ Track\nOpen: https://example.com/o/42',
    });
  });

  it('renders interactive buttons, lists and CTA URLs as text', async () => {
    const buttons = await sendAndReceive({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Continue?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'y', title: 'Yes' } },
            { type: 'reply', reply: { id: 'n', title: 'No' } },
          ],
        },
      },
    });
    expect(buttons.received).toEqual({ type: 'text', text: 'Continue?\n\n1. Yes\n2. No' });
    const list = await sendAndReceive({
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Menu' },
        body: { text: 'Pick one' },
        footer: { text: 'bye' },
        action: {
          button: 'Options',
          sections: [
            {
              title: 'Food',
              rows: [
                { id: 'p', title: 'Pizza', description: 'hot' },
                { id: 's', title: 'Salad' },
              ],
            },
          ],
        },
      },
    });
    expect(list.received).toEqual({ type: 'text', text: '*Menu*\n\nPick one\n\nOptions:\n*Food*\n1. Pizza — hot\n2. Salad\n\n_bye_' });
    const cta = await sendAndReceive({
      type: 'interactive',
      interactive: {
        type: 'cta_url',
        body: { text: 'See it' },
        action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://example.com' } },
      },
    });
    expect(cta.received).toEqual({ type: 'text', text: 'See it\n\nOpen: https://example.com' });
    expect(cta.row.interactive).toMatchObject({ type: 'cta_url' });
  });

  it('accepts the typed alias, body without type', async () => {
    const res = await channel.http
      .post(`/v1/channels/${channel.id}/messages/text`)
      .set(bearer(channel.key))
      .send({ to: contact, text: 'via alias' })
      .expect(202);
    const row = await channel.message(res.body.message_id);
    expect(row).toMatchObject({ type: 'text', text: 'via alias' });
    await ctx.simulator.waitForMessage(digits(contact), (m) => m.id === row.wa_message_id);
    const bad = await channel.http
      .post(`/v1/channels/${channel.id}/messages/text`)
      .set(bearer(channel.key))
      .send({ to: contact })
      .expect(400);
    expect(bad.body.error.details.issues[0].path).toEqual(['text']);
    const unknown = await channel.http
      .post(`/v1/channels/${channel.id}/messages/fax`)
      .set(bearer(channel.key))
      .send({ to: contact })
      .expect(400);
    expect(errorCode(unknown)).toBe('invalid_request');
  });

  it.each([
    ['an unknown type', { type: 'fax', to: '+15550001234' }, ['type']],
    ['a missing recipient', { type: 'text', text: 'x' }, ['to']],
    ['a malformed number', { type: 'text', to: '12ab', text: 'x' }, ['to']],
    ['a JID of an unknown server', { type: 'text', to: '123456789@example.com', text: 'x' }, ['to']],
    ['an empty text', { type: 'text', to: '+15550001234', text: '' }, ['text']],
    [
      'a latitude out of range',
      { type: 'location', to: '+15550001234', location: { latitude: 91, longitude: 0 } },
      ['location', 'latitude'],
    ],
    ['a contact without phones', { type: 'contact', to: '+15550001234', contact: { name: 'x', phones: [] } }, ['contact', 'phones']],
    [
      'a reaction to an unknown message',
      { type: 'reaction', to: '+15550001234', reaction: { message_id: 'msg_nope', emoji: '👍' } },
      ['reaction', 'message_id'],
    ],
    ['a template without body', { type: 'template', to: '+15550001234', template: { name: 't' } }, ['template', 'body']],
    [
      'four reply buttons',
      {
        type: 'interactive',
        to: '+15550001234',
        interactive: {
          type: 'button',
          body: { text: 'b' },
          action: { buttons: Array.from({ length: 4 }, (_, i) => ({ type: 'reply', reply: { id: `${i}`, title: `${i}` } })) },
        },
      },
      ['interactive', 'action', 'buttons'],
    ],
    [
      'media with both sources',
      { type: 'image', to: '+15550001234', image: { media_id: 'med_1', source_url: 'https://example.com/a.jpg' } },
      ['image'],
    ],
    ['a client_ref too long', { type: 'text', to: '+15550001234', text: 'x', client_ref: 'r'.repeat(129) }, ['client_ref']],
  ])('refuses %s with invalid_request naming the field', async (_name, body, path) => {
    const res = await channel.send(body, 400);
    expect(errorCode(res)).toBe('invalid_request');
    expect(res.body.error.details.issues[0].path).toEqual(path);
  });

  it('sends to user JIDs and group JIDs', async () => {
    const jid = await channel.send({ type: 'text', to: `${digits(contact)}@s.whatsapp.net`, text: 'by jid' });
    const row = await channel.message(jid.body.message_id);
    expect(row.chat_id).toBe(`${digits(contact)}@s.whatsapp.net`);
    await ctx.simulator.waitForMessage(digits(contact), (m) => m.id === row.wa_message_id);
    const group = ctx.simulator.createGroup(digits(contact), 'Team', [digits(channel.phone)]);
    const toGroup = await channel.send({ type: 'text', to: group.id, text: 'hello team' });
    const groupRow = await channel.message(toGroup.body.message_id);
    expect(groupRow.chat_id).toBe(group.id);
    await ctx.simulator.waitForMessage(digits(contact), (m) => m.id === groupRow.wa_message_id && m.group === group.id);
  });

  describe('inbound, through the sandbox endpoint', () => {
    async function inbound(body: Record<string, unknown>) {
      const res = await channel.http
        .post(`/v1/sandbox/channels/${channel.id}/inbound`)
        .set(bearer(channel.key))
        .send({ from: contact, ...body })
        .expect(202);
      const page = await eventually(
        () => channel.history({ direction: 'inbound' }),
        (p) => p.data.some((m: { wa_message_id: string }) => m.wa_message_id === res.body.wa_message_id),
      );
      return page.data.find((m: { wa_message_id: string }) => m.wa_message_id === res.body.wa_message_id);
    }

    it('stores text, location, contact, template and interactive in the shapes of sends', async () => {
      expect(await inbound({ type: 'text', text: 'in text' })).toMatchObject({
        type: 'text',
        text: 'in text',
        from: `${digits(contact)}@s.whatsapp.net`,
      });
      expect(await inbound({ type: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'Here' } })).toMatchObject({
        type: 'location',
        location: { latitude: 1.5, longitude: 2.5, name: 'Here' },
      });
      expect(await inbound({ type: 'contact', contact: { name: 'Frank', phones: [{ phone: '+15550004444' }] } })).toMatchObject({
        type: 'contact',
        contact: { name: 'Frank', phones: [{ phone: '+15550004444', type: 'CELL' }] },
      });
      expect(await inbound({ type: 'template', template: { name: 'x', body: 'templated' } })).toMatchObject({
        type: 'text',
        text: 'templated',
      });
    });

    it('turns a reaction into message.reaction pointing at the message reacted to', async () => {
      const sent = await channel.send({ type: 'text', to: contact, text: 'react please' });
      const stored = await inbound({ type: 'reaction', reaction: { message_id: sent.body.message_id, emoji: '❤️' } });
      expect(stored).toMatchObject({ type: 'reaction', reaction: { message_id: sent.body.message_id, emoji: '❤️' } });
      const events = await eventually(
        () => channel.events('message.reaction'),
        (e) => e.some((p) => p.message_id === stored.id),
      );
      expect(events.find((p) => p.message_id === stored.id)).toMatchObject({
        message: { id: stored.id, reaction: { message_id: sent.body.message_id } },
      });
      expect((await channel.events('message.received')).some((p) => p.message_id === stored.id)).toBe(false);
    });

    it('shows what the contact received in the outbox, and drives statuses with sandbox receipts', async () => {
      const sent = await channel.send({ type: 'text', to: contact, text: 'outbox me' });
      // answered `queued`: the contact has it once the channel's worker sent it
      const outbox = await eventually(
        () => channel.http.get(`/v1/sandbox/channels/${channel.id}/outbox`).query({ to: contact }).set(bearer(channel.key)).expect(200),
        (res) => (res.body.data as Array<{ message_id: string }>).some((each) => each.message_id === sent.body.message_id),
      );
      expect(outbox.body.data).toContainEqual(
        expect.objectContaining({ message_id: sent.body.message_id, type: 'text', content: { text: 'outbox me' }, to: contact }),
      );
      await channel.http
        .post(`/v1/sandbox/channels/${channel.id}/receipts`)
        .set(bearer(channel.key))
        .send({ message_id: sent.body.message_id, status: 'read' })
        .expect(200);
      await channel.waitForStatus(sent.body.message_id, 'read');
    });
  });
});
