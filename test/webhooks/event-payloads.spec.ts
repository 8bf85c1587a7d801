import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ChannelClient } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { Received, Receiver } from './support/receiver';

type Document = {
  webhooks: Record<string, { post?: { requestBody: { content: { 'application/json': { schema: { $ref: string } } } } } }>;
  components: { schemas: Record<string, unknown> };
};

/**
 * What real producers deliver, against what the served OpenAPI document promises in its `webhooks` section:
 * every body validates against the schema of its event's entry (the receiver also checks the zod schemas).
 */
describe('Webhook event payloads', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let receiver: Receiver;
  let document: Document;

  beforeAll(async () => {
    receiver = await Receiver.start();
    document = (await ctx.http.get('/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    await receiver.close();
  });

  function validatorFor(type: string) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi');
    const ref = document.webhooks[type]?.post?.requestBody.content['application/json'].schema.$ref;
    if (!ref) throw new Error(`no webhooks entry with an operation for ${type}`);
    return ajv.compile({ $ref: `openapi${ref}` });
  }

  it('serves a webhooks entry per event type, and real deliveries of each match it', async () => {
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(ctx.gw, key);
    const id = await channels.create();
    const endpoint = await ctx.http
      .post('/v1/webhooks')
      .set(bearer(key))
      .send({ url: receiver.url('/all'), channel_id: id })
      .expect(201);

    await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    await channels.waitForStatus(id, 'qr');
    await ctx.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({}).expect(200);
    await channels.waitForStatus(id, 'connected');
    const contact = '+15550107777';
    const inbound = await ctx.http
      .post(`/v1/sandbox/channels/${id}/inbound`)
      .set(bearer(key))
      .set('X-Request-Id', 'req_payload_inbound_1')
      .send({ from: contact, type: 'text', text: 'hello' })
      .expect(202);
    const sent = await ctx.http
      .post(`/v1/channels/${id}/messages`)
      .set(bearer(key))
      .send({ type: 'text', to: contact, text: 'hi back' })
      .expect(202);
    await ctx.http
      .post(`/v1/sandbox/channels/${id}/inbound`)
      .set(bearer(key))
      .send({ from: contact, type: 'reaction', reaction: { message_id: sent.body.message_id, emoji: '👍' } })
      .expect(202);
    const chat = encodeURIComponent(`${contact.slice(1)}@s.whatsapp.net`);
    await ctx.http.patch(`/v1/channels/${id}/chats/${chat}`).set(bearer(key)).send({ pinned: true, archived: true }).expect(200);
    await ctx.http.post(`/v1/webhooks/${endpoint.body.id}/test`).set(bearer(key)).expect(202);
    await eventually(
      async () => receiver.at('/all').map((r) => r.body.event),
      (events) => ['message.reaction', 'message.delivered', 'chat.pinned', 'webhook.test'].every((type) => events.includes(type)),
    );
    await ctx.http.post(`/v1/channels/${id}/disconnect`).set(bearer(key)).expect(200);

    const expected = [
      'channel.connected',
      'message.received',
      'message.sent',
      'message.delivered',
      'message.reaction',
      'chat.updated',
      'chat.archived',
      'chat.pinned',
      'webhook.test',
      'channel.disconnected',
    ];
    const got = await eventually(
      async () => receiver.at('/all'),
      (all) => expected.every((type) => all.some((r) => r.body.event === type)),
    );
    const problems = got.flatMap((request: Received) => {
      const { event, id } = request.body;
      const check = validatorFor(event);
      const headerOk = request.headers['x-whatisup-event'] === event && request.headers['x-whatisup-event-id'] === id;
      return [...(check(request.body) ? [] : [`${event}: ${JSON.stringify(check.errors)}`]), ...(headerOk ? [] : [`${event}: headers`])];
    });
    expect(problems).toEqual([]);
    const received = got.find((r) => r.body.event === 'message.received')!;
    expect(received.body.payload).toMatchObject({ message: { wa_message_id: inbound.body.wa_message_id, text: 'hello' } });
    expect(received.headers['x-whatisup-correlation-id']).toBe('req_payload_inbound_1');
  });
});
