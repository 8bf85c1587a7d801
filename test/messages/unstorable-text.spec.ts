import { SseClient } from '../support/sse';
import { bearer, errorCode } from '../support/http';
import { eventually } from '../support/eventually';
import { Receiver } from '../webhooks/support/receiver';
import { digits, newPhone } from '../support/phones';
import { useTestContext } from '../support/context';
import type { TestChannel } from '../support/channels';

describe('Messages with text PostgreSQL cannot hold', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let receiver: Receiver;
  let channel: TestChannel;
  beforeAll(async () => {
    // The webhook receiver listens on 127.0.0.1; every other internal address stays refused.
    receiver = await Receiver.start();
    channel = await ctx.newChannel({ paired: true });
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('stores, lists and announces an inbound text holding U+0000 and a lone surrogate, with U+FFFD in their place', async () => {
    const contact = newPhone();
    await channel.http
      .post('/v1/webhooks')
      .set(bearer(channel.key))
      .send({ url: receiver.url('/inbound-nul'), events: ['message.received'], channel_id: channel.id })
      .expect(201);
    const stream = await SseClient.open(ctx.gw, `/v1/channels/${channel.id}/events`, channel.key);
    try {
      const sent = await channel.http
        .post(`/v1/sandbox/channels/${channel.id}/inbound`)
        .set(bearer(channel.key))
        .send({ from: contact, type: 'text', text: 'before\u0000after \ud800 end' })
        .expect(202);
      const expected = 'before\ufffdafter \ufffd end';

      const page = await eventually(
        () => channel.history({ direction: 'inbound' }),
        (p) => p.data.some((m: { wa_message_id: string }) => m.wa_message_id === sent.body.wa_message_id),
      );
      const message = page.data.find((m: { wa_message_id: string }) => m.wa_message_id === sent.body.wa_message_id);
      expect(message).toMatchObject({ type: 'text', text: expected, from: `${digits(contact)}@s.whatsapp.net` });
      expect((await channel.message(message.id)).text).toBe(expected);

      const hook = await eventually(
        async () => receiver.at('/inbound-nul'),
        (received) => received.length > 0,
      );
      expect(hook[0].body).toMatchObject({ event: 'message.received' });
      expect(JSON.stringify(hook[0].body.payload)).toContain(JSON.stringify(expected).slice(1, -1));

      const events = await eventually(
        async () => stream.events.filter((e) => e.event === 'message.received'),
        (received) => received.length > 0,
      );
      expect(JSON.stringify(events[0].data.payload)).toContain(JSON.stringify(expected).slice(1, -1));
    } finally {
      stream.close();
    }
  });

  it("stores an inbound location and its sender's push name holding U+0000 or a lone surrogate", async () => {
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Nu\u0000l' });
    const waId = await ctx.simulator.send(digits(contact), digits(channel.phone), {
      type: 'location',
      latitude: 1,
      longitude: 2,
      name: 'Cafe\u0000',
      address: '\udc00 Street',
    });
    const page = await eventually(
      () => channel.history({ direction: 'inbound', type: 'location' }),
      (p) => p.data.some((m: { wa_message_id: string }) => m.wa_message_id === waId),
    );
    const message = page.data.find((m: { wa_message_id: string }) => m.wa_message_id === waId);
    expect(message.location).toMatchObject({ name: 'Cafe\ufffd', address: '\ufffd Street' });
    expect(message.push_name).toBe('Nu\ufffdl');
    const contacts = await channel.http.get(`/v1/channels/${channel.id}/contacts`).set(bearer(channel.key)).expect(200);
    expect(contacts.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ phone_number: contact, push_name: 'Nu\ufffdl' })]),
    );
  });

  it.each([
    ['U+0000 in a text', 'text', { type: 'text', text: 'a\u0000b' }],
    ['a lone surrogate in a text', 'text', { type: 'text', text: 'a\ud800' }],
    ['U+0000 in a client_ref', 'client_ref', { type: 'text', text: 'ok', client_ref: 'ref\u0000' }],
    ['U+0000 in a caption', 'image.caption', { type: 'image', image: { media_id: 'med_01ARZ3NDEKTSV4RRFFQ69G5FAV', caption: '\u0000' } }],
  ])('refuses a send with %s (invalid_request naming the field), and stores nothing', async (_what, field, body) => {
    const before = await ctx.prisma.message.count({ where: { channelId: channel.id } });
    const res = await channel.send({ to: newPhone(), ...body }, 400);
    expect(errorCode(res)).toBe('invalid_request');
    expect(res.body.error.details.issues[0].path.join('.')).toBe(field);
    expect(await ctx.prisma.message.count({ where: { channelId: channel.id } })).toBe(before);
  });

  it('refuses the same in the typed alias', async () => {
    const res = await channel.http
      .post(`/v1/channels/${channel.id}/messages/text`)
      .set(bearer(channel.key))
      .send({ to: newPhone(), text: '\u0000' })
      .expect(400);
    expect(errorCode(res)).toBe('invalid_request');
  });

  it.each([
    ['a loopback address', 'http://127.0.0.2/x.jpg'],
    ['localhost', 'http://localhost:8080/x.jpg'],
    ['the metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', 'http://10.0.0.1/x.jpg'],
  ])('refuses a send whose image.source_url is %s when it is accepted, not later', async (_what, url) => {
    const before = await ctx.prisma.message.count({ where: { channelId: channel.id } });
    const res = await channel.send({ to: newPhone(), type: 'image', image: { source_url: url } }, 400);
    expect(errorCode(res)).toBe('invalid_request');
    expect(res.body.error.details.issues[0].path.join('.')).toBe('image.source_url');
    expect(await ctx.prisma.message.count({ where: { channelId: channel.id } })).toBe(before);
  });
});
