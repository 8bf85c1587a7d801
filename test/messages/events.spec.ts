import { bearer } from '../support/http';
import { SseClient } from '../support/sse';
import { eventually } from '../support/eventually';
import { Receiver } from '../webhooks/support/receiver';
import { digits, newPhone } from '../support/phones';
import { useTestContext } from '../support/context';
import type { TestChannel } from '../support/channels';

/**
 * The events messages produce, as consumers get them: one key for the message id, the whole message in
 * message.received, and the request behind each event as its correlation id. Every payload read here (and
 * every webhook body the receiver gets) is checked against its schema on the way.
 */
describe('Message events', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let receiver: Receiver;
  let channel: TestChannel;
  let contact: string;
  let chatId: string;

  beforeAll(async () => {
    receiver = await Receiver.start();
    channel = await ctx.newChannel({ paired: true });
    contact = newPhone();
    chatId = `${digits(contact)}@s.whatsapp.net`;
    ctx.simulator.createPhone(digits(contact), { pushName: 'Ivy' });
    await channel.http
      .post('/v1/webhooks')
      .set(bearer(channel.key))
      .send({ url: receiver.url('/messages'), channel_id: channel.id })
      .expect(201);
  });
  afterAll(async () => {
    await receiver.close();
  });

  /** A message a simulated contact sends through the sandbox endpoint, with the request id given. */
  async function inbound(requestId: string, body: Record<string, unknown>) {
    const res = await channel.http
      .post(`/v1/sandbox/channels/${channel.id}/inbound`)
      .set(bearer(channel.key))
      .set('X-Request-Id', requestId)
      .send({ from: contact, ...body })
      .expect(202);
    expect(res.headers['x-request-id']).toBe(requestId);
    const page = await eventually(
      () => channel.history({ direction: 'inbound' }),
      (p) => p.data.some((m: { wa_message_id: string }) => m.wa_message_id === res.body.wa_message_id),
    );
    return page.data.find((m: { wa_message_id: string }) => m.wa_message_id === res.body.wa_message_id) as {
      id: string;
      [key: string]: unknown;
    };
  }

  async function eventOf(type: string, messageId: string) {
    const rows = await eventually(
      () => channel.eventRows(type),
      (all) => all.some((row) => row.payload.message_id === messageId),
    );
    return rows.find((row) => row.payload.message_id === messageId)!;
  }

  function hookOf(type: string, messageId: string) {
    return eventually(
      async () => receiver.at('/messages').find((r) => r.body.event === type && r.body.payload.message_id === messageId),
      (found) => found !== undefined,
    ).then((found) => found!);
  }

  it('names the message `message_id` and its chat `chat_id` in message.received, sent, delivered and read alike', async () => {
    const sent = await channel.send({ type: 'text', to: contact, text: 'one key for all' });
    const id = sent.body.message_id as string;
    await channel.waitForStatus(id, 'delivered');
    await channel.http
      .post(`/v1/sandbox/channels/${channel.id}/receipts`)
      .set(bearer(channel.key))
      .send({ message_id: id, status: 'read' })
      .expect(200);
    const read = await channel.waitForStatus(id, 'read');
    const received = await inbound('req_one_key_inbound', { type: 'text', text: 'and back' });

    const payloads = {
      'message.received': (await eventOf('message.received', received.id)).payload,
      'message.sent': (await eventOf('message.sent', id)).payload,
      'message.delivered': (await eventOf('message.delivered', id)).payload,
      'message.read': (await eventOf('message.read', id)).payload,
    };
    for (const [type, payload] of Object.entries(payloads)) {
      expect({ type, message_id: payload.message_id, chat_id: payload.chat_id, id: payload.id }).toEqual({
        type,
        message_id: type === 'message.received' ? received.id : id,
        chat_id: chatId,
        id: undefined,
      });
    }
    // Status events say which status, and when the message reached it.
    expect(payloads['message.sent']).toMatchObject({
      status: 'sent',
      timestamp: read.sent_at,
      direction: 'outbound',
      wa_message_id: read.wa_message_id,
    });
    expect(payloads['message.delivered']).toMatchObject({ status: 'delivered', timestamp: read.delivered_at });
    expect(payloads['message.read']).toMatchObject({ status: 'read', timestamp: read.read_at });
  });

  it('carries the whole message in message.received, as GET …/messages/{id} presents it', async () => {
    const received = await inbound('req_whole_message_01', {
      type: 'location',
      location: { latitude: 48.85, longitude: 2.35, name: 'Paris' },
    });
    const { payload } = await eventOf('message.received', received.id);
    const got = await channel.message(received.id);
    expect(payload).toEqual({ message_id: received.id, chat_id: chatId, message: got, is_story: false });
    expect((await hookOf('message.received', received.id)).body.payload).toEqual(payload);
  });

  it('carries the correlation id in the event stream too', async () => {
    const stream = await SseClient.open(ctx.gw, `/v1/channels/${channel.id}/events`, channel.key);
    try {
      const received = await inbound('req_sandbox_stream_0001', { type: 'text', text: 'seen on the stream' });
      const frame = await eventually(
        async () => stream.events.find((e) => e.event === 'message.received' && e.data.payload.message_id === received.id),
        (found) => found !== undefined,
      );
      expect(frame!.data.correlation_id).toBe('req_sandbox_stream_0001');
    } finally {
      stream.close();
    }
  });

  it("gives message.received from the sandbox inbound endpoint that request's X-Request-Id as its correlation id", async () => {
    const received = await inbound('req_sandbox_inbound_0001', { type: 'text', text: 'caused by a request' });
    expect((await eventOf('message.received', received.id)).correlationId).toBe('req_sandbox_inbound_0001');
    const hook = await hookOf('message.received', received.id);
    expect(hook.headers['x-whatisup-correlation-id']).toBe('req_sandbox_inbound_0001');

    // A message no request caused (a contact's phone sending it) has none.
    const waId = await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'text', text: 'on my own' });
    const rows = await eventually(
      () => channel.eventRows('message.received'),
      (all) => all.some((row) => (row.payload.message as { wa_message_id: string }).wa_message_id === waId),
    );
    expect(rows.find((row) => (row.payload.message as { wa_message_id: string }).wa_message_id === waId)!.correlationId).toBeNull();
  });

  it("gives message.reaction from the sandbox inbound endpoint that request's id too", async () => {
    const sent = await channel.send({ type: 'text', to: contact, text: 'react to this' });
    const reaction = await inbound('req_sandbox_reaction_01', {
      type: 'reaction',
      reaction: { message_id: sent.body.message_id, emoji: '🎉' },
    });
    const event = await eventOf('message.reaction', reaction.id);
    expect(event.correlationId).toBe('req_sandbox_reaction_01');
    expect(event.payload).toMatchObject({
      message_id: reaction.id,
      chat_id: chatId,
      message: { type: 'reaction', reaction: { message_id: sent.body.message_id, emoji: '🎉' } },
    });
  });

  it("gives sent and delivered the send's request id, and a status reported by a sandbox receipt that receipt's", async () => {
    const sent = await channel.http
      .post(`/v1/channels/${channel.id}/messages`)
      .set(bearer(channel.key))
      .set('X-Request-Id', 'req_send_correlation_1')
      .send({ type: 'text', to: contact, text: 'trace me' })
      .expect(202);
    const id = sent.body.message_id as string;
    await channel.waitForStatus(id, 'delivered');
    expect((await eventOf('message.sent', id)).correlationId).toBe('req_send_correlation_1');
    expect((await eventOf('message.delivered', id)).correlationId).toBe('req_send_correlation_1');
    expect((await hookOf('message.delivered', id)).headers['x-whatisup-correlation-id']).toBe('req_send_correlation_1');

    await channel.http
      .post(`/v1/sandbox/channels/${channel.id}/receipts`)
      .set(bearer(channel.key))
      .set('X-Request-Id', 'req_receipt_correlation_1')
      .send({ message_id: id, status: 'read' })
      .expect(200);
    await channel.waitForStatus(id, 'read');
    expect((await eventOf('message.read', id)).correlationId).toBe('req_receipt_correlation_1');
  });

  it("gives message.read of a received message the mark-read request's id, with direction inbound", async () => {
    const received = await inbound('req_to_be_read_0001', { type: 'text', text: 'read me' });
    await channel.http
      .post(`/v1/channels/${channel.id}/messages/${received.id}/read`)
      .set(bearer(channel.key))
      .set('X-Request-Id', 'req_mark_read_0001')
      .expect(200);
    const event = await eventOf('message.read', received.id);
    expect(event).toMatchObject({
      correlationId: 'req_mark_read_0001',
      payload: { status: 'read', direction: 'inbound', chat_id: chatId },
    });
  });

  it("gives chat events the PATCH's request id, and names the chat `chat_id`", async () => {
    await channel.http
      .patch(`/v1/channels/${channel.id}/chats/${encodeURIComponent(chatId)}`)
      .set(bearer(channel.key))
      .set('X-Request-Id', 'req_chat_patch_0001')
      .send({ pinned: true })
      .expect(200);
    for (const type of ['chat.updated', 'chat.pinned']) {
      const rows = await channel.eventRows(type);
      expect({ type, last: rows[rows.length - 1] }).toMatchObject({
        type,
        last: {
          correlationId: 'req_chat_patch_0001',
          payload: { chat_id: chatId, chat: { id: chatId, pinned: true }, changed: ['pinned'] },
        },
      });
    }
  });
});
