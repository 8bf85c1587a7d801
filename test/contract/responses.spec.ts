import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Test } from 'supertest';
import type { Response } from 'supertest';
import { WhatsAppSimulator } from '../../src/simulator';
import { pseudoRandom, SAMPLES, SourceServer } from '../media/source-server';
import { digits, newPhone } from '../support/phones';
import { ChannelClient } from '../support/channels';
import { ApiContract } from '../support/contract';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { TestGateway } from '../support/gateway';
import { bearer } from '../support/http';
import { Receiver } from '../webhooks/support/receiver';

/**
 * Every operation of the published document, called for real on a sandbox channel that is paired, sends and
 * receives messages: each response (successes and the main failures: authentication, validation, not found,
 * wrong mode, state) must be one the document declares, body, error code and headers included.
 */
describe('The published OpenAPI document, as a contract', () => {
  let db: TestDatabase;
  let simulator: WhatsAppSimulator;
  let gw: TestGateway;
  let contract: ApiContract;
  let source: SourceServer;
  let receiver: Receiver;

  /** Sends, checks the response against the document, then its status. */
  async function expectStatus(request: Test, status: number): Promise<Response> {
    const response = contract.check(await request);
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${response.text?.slice(0, 500)}`);
    return response;
  }

  const MISSING_CHANNEL = '00000000-0000-4000-8000-000000000000';
  /** Waits and test timeouts are generous: the suite pairs channels and delivers webhooks on shared, busy cores. */
  const WAIT_MS = 60_000;
  const TEST_MS = 180_000;
  let admin: { Authorization: string };
  let customerId: string;
  let key: string; // test key, unlimited plan
  let liveKey: string; // same customer, live mode
  let channelId: string; // paired sandbox channel
  let phone: string; // its phone
  let contact: string; // a simulated contact
  let mediaId: string;
  let icon: Buffer; // a real PNG, which WhatsApp's picture pipeline decodes

  beforeAll(async () => {
    db = await createTestDatabase();
    simulator = new WhatsAppSimulator();
    await simulator.start();
    gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'] }, undefined, { sandboxSimulator: simulator });
    contract = await ApiContract.load(gw);
    source = await SourceServer.start();
    receiver = await Receiver.start();
    icon = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 20, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    admin = bearer(gw.adminToken);
  });
  afterAll(async () => {
    await receiver?.close();
    await source?.close();
    await gw?.close();
    await simulator?.stop();
    await db?.drop();
  });

  it(
    'health probes',
    async () => {
      await expectStatus(gw.http.get('/health/live'), 200);
      await expectStatus(gw.http.get('/health/ready'), 200);
    },
    TEST_MS,
  );

  it(
    'the admin API: customers, keys, plans',
    async () => {
      await expectStatus(gw.http.get('/v1/admin/customers'), 401);
      await expectStatus(gw.http.get('/v1/admin/customers').set(bearer('not-the-admin-token-at-all-000')), 401);
      const customer = await expectStatus(
        gw.http.post('/v1/admin/customers').set(admin).send({ name: 'Contract Co', plan: 'unlimited' }),
        201,
      );
      customerId = customer.body.id;
      await expectStatus(gw.http.post('/v1/admin/customers').set(admin).send({ name: '' }), 400);
      await expectStatus(gw.http.get('/v1/admin/customers').set(admin).query({ limit: 1 }), 200);
      await expectStatus(gw.http.get('/v1/admin/customers').set(admin).query({ limit: 0 }), 400);
      await expectStatus(gw.http.get(`/v1/admin/customers/${customerId}`).set(admin), 200);
      await expectStatus(gw.http.get('/v1/admin/customers/cus_missing').set(admin), 404);
      await expectStatus(gw.http.patch(`/v1/admin/customers/${customerId}`).set(admin).send({ name: 'Contract Company' }), 200);
      await expectStatus(gw.http.patch(`/v1/admin/customers/${customerId}`).set(admin).send({}), 400);
      await expectStatus(gw.http.patch('/v1/admin/customers/cus_missing').set(admin).send({ name: 'x' }), 404);

      key = (
        await expectStatus(gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: customerId, mode: 'test', name: 'contract' }), 201)
      ).body.key;
      liveKey = (await expectStatus(gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: customerId, mode: 'live' }), 201)).body
        .key;
      await expectStatus(gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: customerId, mode: 'staging' }), 400);
      await expectStatus(gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: 'cus_missing', mode: 'test' }), 404);
      await expectStatus(gw.http.get('/v1/admin/keys').set(admin).query({ customer_id: customerId }), 200);
      await expectStatus(gw.http.get('/v1/admin/keys').set(admin).query({ limit: 'many' }), 400);
      const spare = await expectStatus(gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: customerId, mode: 'test' }), 201);
      await expectStatus(gw.http.post(`/v1/admin/keys/${spare.body.id}/revoke`).set(admin), 200);
      await expectStatus(gw.http.post('/v1/admin/keys/key_missing/revoke').set(admin), 404);
      // An API key is not the operator's token.
      await expectStatus(gw.http.get('/v1/admin/plans').set(bearer(key)), 401);

      await expectStatus(gw.http.get('/v1/admin/plans').set(admin), 200);
      await expectStatus(
        gw.http
          .put('/v1/admin/plans/contract_tiny')
          .set(admin)
          .send({ name: 'Tiny', channel_limit: 0, rate_limit: { burst: 2, per_second: 0.01 } }),
        200,
      );
      await expectStatus(gw.http.put('/v1/admin/plans/contract_tiny').set(admin).send({ name: 'Tiny', channel_limit: -1 }), 400);
    },
    TEST_MS,
  );

  it(
    'channels: create, read, rename, pair by QR, and the failures around them',
    async () => {
      const auth = bearer(key);
      await expectStatus(gw.http.get('/v1/channels'), 401);
      await expectStatus(gw.http.get('/v1/channels').set(bearer('zpk_test_not_a_real_key_0000000000')), 401);
      const created = await expectStatus(gw.http.post('/v1/channels').set(auth).send({ name: 'contract' }), 201);
      channelId = created.body.id;
      await expectStatus(gw.http.post('/v1/channels').set(auth).send({ name: '' }), 400);
      await expectStatus(gw.http.post('/v1/channels').set(auth).set('Content-Type', 'text/plain').send('name=contract'), 415);
      await expectStatus(
        gw.http
          .post('/v1/channels')
          .set(auth)
          .send({ name: 'x'.repeat(1_100_000) }),
        413,
      );
      await expectStatus(gw.http.get('/v1/channels').set(auth).query({ include_deleted: 'true' }), 200);
      await expectStatus(gw.http.get('/v1/channels').set(auth).query({ limit: 'x' }), 400);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}`).set(auth), 404);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}`).set(bearer(liveKey)), 403); // a live key on a test channel
      await expectStatus(gw.http.patch(`/v1/channels/${channelId}`).set(auth).send({ name: 'contract main' }), 200);
      await expectStatus(gw.http.patch(`/v1/channels/${channelId}`).set(auth).send({ name: 42 }), 400);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/status`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/qr`).set(auth), 409); // pending: no QR yet
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/disconnect`).set(auth), 409); // pending cannot stop
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/pair-code`).set(auth).send({ phone_number: '+15550001111' }), 409);
      await expectStatus(
        gw.http.post(`/v1/channels/${channelId}/messages`).set(auth).send({ type: 'text', to: '+15550001111', text: 'too early' }),
        409,
      );
      await expectStatus(gw.http.post(`/v1/sandbox/channels/${channelId}/scan`).set(auth).send({}), 409); // no QR to scan

      await expectStatus(gw.http.post(`/v1/channels/${channelId}/connect`).set(auth), 202);
      const channels = new ChannelClient(gw, key);
      await channels.waitForStatus(channelId, 'qr', WAIT_MS);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/qr`).set(auth), 200);
      phone = newPhone();
      await expectStatus(gw.http.post(`/v1/sandbox/channels/${channelId}/scan`).set(auth).send({ phone_number: 'not a phone' }), 400);
      await expectStatus(gw.http.post(`/v1/sandbox/channels/${channelId}/scan`).set(auth).send({ phone_number: phone }), 200);
      await channels.waitForStatus(channelId, 'connected', WAIT_MS);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/status`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}`).set(auth), 200);
      await expectStatus(gw.http.get('/v1/channels').set(auth), 200);
    },
    TEST_MS,
  );

  it(
    'channels: pair by code, disconnect, log out, delete',
    async () => {
      const auth = bearer(key);
      const channels = new ChannelClient(gw, key);
      const other = await channels.create('by code');
      await expectStatus(gw.http.post(`/v1/channels/${other}/connect`).set(auth), 202);
      await channels.waitForStatus(other, 'qr', WAIT_MS);
      await expectStatus(gw.http.post(`/v1/channels/${other}/pair-code`).set(auth).send({ phone_number: 'abc' }), 400);
      const otherPhone = newPhone();
      const pair = await expectStatus(gw.http.post(`/v1/channels/${other}/pair-code`).set(auth).send({ phone_number: otherPhone }), 200);
      await expectStatus(gw.http.post(`/v1/sandbox/channels/${other}/pair-code`).set(auth).send({ code: 'nope' }), 400);
      await expectStatus(gw.http.post(`/v1/sandbox/channels/${other}/pair-code`).set(auth).send({ code: pair.body.code }), 200);
      await channels.waitForStatus(other, 'connected', WAIT_MS);
      await expectStatus(gw.http.post(`/v1/channels/${other}/disconnect`).set(auth), 200);
      await channels.waitForStatus(other, 'stopped_by_user', WAIT_MS);
      await expectStatus(gw.http.post(`/v1/channels/${other}/connect`).set(auth), 202);
      await channels.waitForStatus(other, 'connected', WAIT_MS);
      // Dropped, the channel reconnects on its own; unlinked meanwhile, it ends logged out whatever it was doing.
      await expectStatus(gw.http.post(`/v1/sandbox/channels/${other}/drop`).set(auth), 200);
      await expectStatus(gw.http.post(`/v1/sandbox/channels/${other}/unlink`).set(auth), 200);
      await channels.waitForStatus(other, 'logged_out', WAIT_MS);
      const third = await channels.create('to log out');
      await expectStatus(gw.http.post(`/v1/channels/${third}/connect`).set(auth), 202);
      await channels.waitForStatus(third, 'qr', WAIT_MS);
      await expectStatus(gw.http.post(`/v1/channels/${third}/logout`).set(auth), 200);
      await expectStatus(gw.http.delete(`/v1/channels/${other}`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${other}`).set(auth), 200); // deleted channels stay readable
      await expectStatus(gw.http.patch(`/v1/channels/${other}`).set(auth).send({ name: 'renamed' }), 409); // but are unavailable
      await expectStatus(gw.http.delete(`/v1/channels/${MISSING_CHANNEL}`).set(auth), 404);
    },
    TEST_MS,
  );

  it(
    'keys scoped to a channel, and a plan without room for channels',
    async () => {
      const scoped = await expectStatus(
        gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: customerId, mode: 'test', channel_id: channelId }),
        201,
      );
      const scopedAuth = bearer(scoped.body.key);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}`).set(scopedAuth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}`).set(scopedAuth), 403);
      await expectStatus(gw.http.post('/v1/channels').set(scopedAuth).send({ name: 'not allowed' }), 403);
      await expectStatus(
        gw.http
          .post('/v1/webhooks')
          .set(scopedAuth)
          .send({ url: receiver.url('/scoped'), channel_id: MISSING_CHANNEL }),
        403,
      );
      await expectStatus(
        gw.http.post('/v1/support/tickets').set(scopedAuth).send({ subject: 's', body: 'b', channel_id: MISSING_CHANNEL }),
        403,
      );

      const tiny = await expectStatus(gw.http.post('/v1/admin/customers').set(admin).send({ name: 'Tiny Co', plan: 'contract_tiny' }), 201);
      const tinyKey = (await expectStatus(gw.http.post('/v1/admin/keys').set(admin).send({ customer_id: tiny.body.id, mode: 'test' }), 201))
        .body.key;
      await expectStatus(gw.http.post('/v1/channels').set(bearer(tinyKey)).send({ name: 'over the limit' }), 403);
      // Burst 2, refilling once in 100 s: the next calls run out.
      let limited: Response | undefined;
      for (let i = 0; i < 5 && !limited; i++) {
        const res = contract.check(await gw.http.get('/v1/support/tickets').set(bearer(tinyKey)));
        if (res.status === 429) limited = res;
      }
      expect(limited?.status).toBe(429);
      await expectStatus(gw.http.get('/v1/limits').set(bearer(tinyKey)), 200);
    },
    TEST_MS,
  );

  it(
    'media: upload, fetch by URL, list, signed links with ranges, delete',
    async () => {
      const auth = bearer(key);
      const png = SAMPLES.png(2048);
      const uploaded = await expectStatus(
        gw.http
          .post(`/v1/channels/${channelId}/media`)
          .set(auth)
          .attach('file', png, { filename: 'picture.png', contentType: 'image/png' }),
        201,
      );
      mediaId = uploaded.body.media_id;
      const pdfUrl = source.serve('/contract.pdf', { body: SAMPLES.pdf(), headers: { 'Content-Type': 'application/pdf' } });
      await expectStatus(
        gw.http
          .post(`/v1/channels/${channelId}/media`)
          .set(auth)
          .send({ source_url: pdfUrl, mime_type: 'application/pdf', filename: 'contract.pdf' }),
        201,
      );
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/media`).set(auth).send({ mime_type: 'application/pdf' }), 400);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/media`).set(auth).query({ limit: 1 }), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/media`).set(auth).query({ cursor: 'garbage' }), 400);
      const media = await expectStatus(gw.http.get(`/v1/channels/${channelId}/media/${mediaId}`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/media/med_missing`).set(auth), 404);
      await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/media`).set(auth), 404);

      const link = new URL(media.body.url).pathname;
      const whole = await expectStatus(gw.http.get(link), 200);
      await expectStatus(gw.http.get(link).set('Range', 'bytes=0-99'), 206);
      await expectStatus(gw.http.get(link).set('If-None-Match', String(whole.headers.etag)), 304);
      await expectStatus(gw.http.get(link).set('Range', `bytes=${png.length + 10}-`), 416);

      const throwaway = await expectStatus(
        gw.http
          .post(`/v1/channels/${channelId}/media`)
          .set(auth)
          .attach('file', SAMPLES.jpeg(), { filename: 'gone.jpg', contentType: 'image/jpeg' }),
        201,
      );
      await expectStatus(gw.http.delete(`/v1/channels/${channelId}/media/${throwaway.body.media_id}`).set(auth), 204);
      await expectStatus(gw.http.delete(`/v1/channels/${channelId}/media/${throwaway.body.media_id}`).set(auth), 404);
      await expectStatus(gw.http.get(new URL(throwaway.body.url).pathname), 410);
    },
    TEST_MS,
  );

  it(
    'messages: every type sent, received messages, history, read receipts, the sandbox outbox',
    async () => {
      const auth = bearer(key);
      contact = newPhone();
      simulator.createPhone(digits(contact), { pushName: 'Contract Contact' });
      const send = (body: Record<string, unknown>) =>
        expectStatus(
          gw.http
            .post(`/v1/channels/${channelId}/messages`)
            .set(auth)
            .send({ to: contact, ...body }),
          202,
        );

      const text = await send({ type: 'text', text: 'hello', client_ref: 'contract-1' });
      await send({ type: 'text', text: 'hello', client_ref: 'contract-1' }); // the repeat answers the original
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/messages/text`).set(auth).send({ to: contact, text: 'by alias' }), 202);
      await send({ type: 'image', image: { media_id: mediaId, caption: 'a picture' } });
      await send({
        type: 'document',
        document: {
          source_url: source.serve('/doc.pdf', { body: SAMPLES.pdf(), headers: { 'Content-Type': 'application/pdf' } }),
          filename: 'doc.pdf',
        },
      });
      await send({ type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Berlin' } });
      await send({ type: 'contact', contact: { name: 'Eve Example', phones: [{ phone: '+15550009999', type: 'work' }] } });
      await send({
        type: 'template',
        template: {
          name: 'order',
          header: 'Order 42',
          body: 'Shipped.',
          buttons: [{ type: 'url', text: 'Track', url: 'https://example.com/42' }],
        },
      });
      await send({
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Continue?' },
          action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }] },
        },
      });
      await send({ type: 'reaction', reaction: { message_id: text.body.message_id, emoji: '👍' } });
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/messages`).set(auth).send({ type: 'text', text: 'no recipient' }), 400);
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/messages/poll`).set(auth).send({ to: contact }), 400);
      await expectStatus(
        gw.http.post(`/v1/channels/${channelId}/messages`).set(bearer(liveKey)).send({ type: 'text', to: contact, text: 'wrong mode' }),
        403,
      );
      await expectStatus(
        gw.http.post(`/v1/channels/${MISSING_CHANNEL}/messages`).set(auth).send({ type: 'text', to: contact, text: 'nowhere' }),
        404,
      );

      // What the contact sends: text, media, a location, a card, a reaction, and a message through the sandbox API.
      const from = digits(contact);
      const to = digits(phone);
      const inboundText = await simulator.send(from, to, { type: 'text', text: 'hi there' });
      await simulator.send(from, to, { type: 'image', data: SAMPLES.jpeg(), mimetype: 'image/jpeg', caption: 'from the contact' });
      await simulator.send(from, to, {
        type: 'audio',
        data: Buffer.concat([Buffer.from('OggS', 'latin1'), pseudoRandom(300)]),
        mimetype: 'audio/ogg',
        ptt: true,
      });
      await simulator.send(from, to, { type: 'location', latitude: 48.85, longitude: 2.35, name: 'Paris', address: 'Centre' });
      await simulator.send(from, to, {
        type: 'contact',
        displayName: 'Bob',
        vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;type=CELL;waid=15550001234:+15550001234\nEND:VCARD',
      });
      const outboundText = await expectStatus(gw.http.get(`/v1/channels/${channelId}/messages/${text.body.message_id}`).set(auth), 200);
      await simulator.send(from, to, { type: 'reaction', messageId: outboundText.body.wa_message_id, emoji: '❤️' });
      await expectStatus(
        gw.http
          .post(`/v1/sandbox/channels/${channelId}/inbound`)
          .set(auth)
          .send({ from: contact, type: 'text', text: 'via the sandbox API' }),
        202,
      );
      await expectStatus(gw.http.post(`/v1/sandbox/channels/${channelId}/inbound`).set(auth).send({ from: contact }), 400);

      const history = await eventually(
        () => gw.http.get(`/v1/channels/${channelId}/messages`).set(auth).query({ limit: 100 }),
        (r) =>
          ['image', 'audio', 'location', 'contact', 'reaction'].every((type) =>
            r.body.data.some((m: { direction: string; type: string }) => m.direction === 'inbound' && m.type === type),
          ),
        WAIT_MS,
      );
      contract.check(history);
      const types = new Set(history.body.data.map((m: { direction: string; type: string }) => `${m.direction} ${m.type}`));
      expect([...types].sort()).toEqual(
        expect.arrayContaining([
          'outbound text',
          'outbound image',
          'outbound document',
          'outbound location',
          'outbound contact',
          'outbound template',
          'outbound interactive',
          'outbound reaction',
          'inbound text',
          'inbound image',
          'inbound audio',
          'inbound location',
          'inbound contact',
          'inbound reaction',
        ]),
      );
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/messages`).set(auth).query({ limit: 2 }), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/messages`).set(auth).query({ since: 'yesterday' }), 400);
      await expectStatus(gw.http.get('/v1/messages').set(auth).query({ direction: 'inbound' }), 200);
      await expectStatus(gw.http.get('/v1/messages').set(auth).query({ status: 'lost' }), 400);
      const received = history.body.data.find((m: { wa_message_id: string }) => m.wa_message_id === inboundText);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/messages/${received.id}`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/messages/msg_missing`).set(auth), 404);
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/messages/${received.id}/read`).set(auth), 200);
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/messages/msg_missing/read`).set(auth), 404);

      await expectStatus(gw.http.get(`/v1/sandbox/channels/${channelId}/outbox`).set(auth).query({ to: contact }), 200);
      await expectStatus(gw.http.get(`/v1/sandbox/channels/${channelId}/outbox`).set(auth).query({ to: 'nobody' }), 400);
      await expectStatus(
        gw.http.post(`/v1/sandbox/channels/${channelId}/receipts`).set(auth).send({ message_id: text.body.message_id, status: 'read' }),
        200,
      );
      await expectStatus(
        gw.http.post(`/v1/sandbox/channels/${channelId}/receipts`).set(auth).send({ message_id: text.body.message_id, status: 'seen' }),
        400,
      );
      await expectStatus(
        gw.http
          .post(`/v1/sandbox/channels/${channelId}/receipts`)
          .set(bearer(liveKey))
          .send({ message_id: text.body.message_id, status: 'read' }),
        403,
      );
    },
    TEST_MS,
  );

  it(
    'chats and contacts',
    async () => {
      const auth = bearer(key);
      const chatId = `${digits(contact)}@s.whatsapp.net`;
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/chats`).set(auth).query({ pinned: 'false' }), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/chats`).set(auth).query({ pinned: 'maybe' }), 400);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/chats/${contact}`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/chats/not-a-chat`).set(auth), 400);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/chats/${newPhone()}`).set(auth), 404);
      await expectStatus(gw.http.patch(`/v1/channels/${channelId}/chats/${chatId}`).set(auth).send({ pinned: true, archived: false }), 200);
      await expectStatus(gw.http.patch(`/v1/channels/${channelId}/chats/${chatId}`).set(auth).send({ pinned: 'yes' }), 400);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/contacts`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/contacts`).set(auth).query({ limit: 1000 }), 400);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/contacts/lids`).set(auth), 200);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/contacts/${chatId}/profile`).set(auth), 200);
      await expectStatus(gw.http.post(`/v1/channels/${channelId}/contacts/${contact}/profile`).set(auth), 201);
      await expectStatus(gw.http.get(`/v1/channels/${channelId}/contacts/nobody/profile`).set(auth), 400);
      await expectStatus(gw.http.delete(`/v1/channels/${channelId}/chats/${chatId}`).set(auth), 200);
      await expectStatus(gw.http.delete(`/v1/channels/${channelId}/chats/${chatId}`).set(auth), 404);
    },
    TEST_MS,
  );

  it(
    'groups: every route, WhatsApp refusals, the sandbox acting in groups',
    async () => {
      const auth = bearer(key);
      const groups = `/v1/channels/${channelId}/groups`;
      const sandbox = `/v1/sandbox/channels/${channelId}/groups`;
      const [ana, ben, cal] = [newPhone(), newPhone(), newPhone()];
      for (const member of [ana, ben, cal]) simulator.createPhone(digits(member));
      const unknownGroup = '120363000000000001@g.us';

      const created = await expectStatus(
        gw.http
          .post(groups)
          .set(auth)
          .send({ subject: 'Contract', participants: [ana] }),
        201,
      );
      const id = created.body.id as string;
      await expectStatus(
        gw.http
          .post(groups)
          .set(auth)
          .send({ subject: '', participants: [ana] }),
        400,
      );
      await expectStatus(gw.http.get(groups).set(auth), 200);
      await expectStatus(gw.http.get(groups).set(auth).query({ cursor: 'forged' }), 400);
      const offline = await expectStatus(gw.http.post('/v1/channels').set(auth).send({ name: 'offline' }), 201);
      await expectStatus(gw.http.get(`/v1/channels/${offline.body.id}/groups`).set(auth), 409);
      await expectStatus(gw.http.get(groups).set(bearer(liveKey)), 403);
      await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/groups`).set(auth), 404);
      await expectStatus(gw.http.get(groups), 401);

      await expectStatus(gw.http.get(`${groups}/${id}`).set(auth), 200);
      await expectStatus(gw.http.get(`${groups}/not-a-group`).set(auth), 400);
      await expectStatus(gw.http.get(`${groups}/${unknownGroup}`).set(auth), 404);
      await expectStatus(gw.http.put(`${groups}/${id}`).set(auth).send({ subject: 'Contract group', description: 'About' }), 200);
      await expectStatus(gw.http.put(`${groups}/${id}`).set(auth).send({}), 400);
      await expectStatus(gw.http.patch(`${groups}/${id}`).set(auth).send({ setting: 'send_messages', policy: 'anyone' }), 200);
      await expectStatus(gw.http.patch(`${groups}/${id}`).set(auth).send({ ephemeral_seconds: 5 }), 400);

      const added = await expectStatus(
        gw.http
          .post(`${groups}/${id}/participants`)
          .set(auth)
          .send({ participants: [ben] }),
        200,
      );
      expect(added.body.participants[0].status).toBe('processed');
      await expectStatus(gw.http.post(`${groups}/${id}/participants`).set(auth).send({ participants: [] }), 400);
      await expectStatus(
        gw.http
          .patch(`${groups}/${id}/admins`)
          .set(auth)
          .send({ participants: [ben] }),
        200,
      );
      await expectStatus(
        gw.http
          .delete(`${groups}/${id}/admins`)
          .set(auth)
          .send({ participants: [ben] }),
        200,
      );
      await expectStatus(gw.http.delete(`${groups}/${id}/admins`).set(auth).send({}), 400);
      await expectStatus(
        gw.http
          .delete(`${groups}/${id}/participants`)
          .set(auth)
          .send({ participants: [ben] }),
        200,
      );
      await expectStatus(
        gw.http
          .delete(`${groups}/${id}/participants`)
          .set(auth)
          .send({ participants: ['x'] }),
        400,
      );

      const invite = await expectStatus(gw.http.get(`${groups}/${id}/invite`).set(auth), 200);
      await expectStatus(gw.http.get(`${groups}/link/${invite.body.invite_code}`).set(auth), 200);
      await expectStatus(gw.http.get(`${groups}/link/not%20a%20code`).set(auth), 400);
      await expectStatus(gw.http.delete(`${groups}/${id}/invite`).set(auth), 200);
      await expectStatus(gw.http.get(`${groups}/link/${invite.body.invite_code}`).set(auth), 410);

      await expectStatus(
        gw.http
          .put(`${groups}/${id}/icon`)
          .set(auth)
          .send({ source_url: source.serve('/icon.png', { body: icon, headers: { 'Content-Type': 'image/png' } }) }),
        200,
      );
      await expectStatus(gw.http.get(`${groups}/${id}/icon`).set(auth), 200);
      await expectStatus(gw.http.get(`${groups}/${id}/icon`).set(auth).query({ size: 'huge' }), 400);
      await expectStatus(gw.http.put(`${groups}/${id}/icon`).set(auth).send({}), 400);
      await expectStatus(gw.http.delete(`${groups}/${id}/icon`).set(auth), 200);

      await expectStatus(gw.http.patch(`${groups}/${id}`).set(auth).send({ setting: 'approve_participants', policy: 'admins' }), 200);
      await expectStatus(gw.http.post(`${sandbox}/${id}/applications`).set(auth).send({ from: cal }), 200);
      await expectStatus(gw.http.post(`${sandbox}/${id}/applications`).set(auth).send({ from: 'nobody' }), 400);
      await expectStatus(gw.http.get(`${groups}/${id}/applications`).set(auth), 200);
      await expectStatus(gw.http.get(`${groups}/${id}/applications`).set(auth).query({ limit: 0 }), 400);
      await expectStatus(
        gw.http
          .post(`${groups}/${id}/applications`)
          .set(auth)
          .send({ participants: [cal] }),
        200,
      );
      await expectStatus(gw.http.post(`${groups}/${id}/applications`).set(auth).send({ participants: 'all' }), 400);
      await expectStatus(
        gw.http
          .delete(`${groups}/${id}/applications`)
          .set(auth)
          .send({ participants: [cal] }),
        200,
      );
      await expectStatus(gw.http.delete(`${groups}/${id}/applications`).set(auth).send({}), 400);

      // a group a contact runs: the channel is a plain member there
      const theirs = await expectStatus(
        gw.http
          .post(sandbox)
          .set(auth)
          .send({ from: ana, subject: 'Theirs', participants: [ben] }),
        201,
      );
      await expectStatus(gw.http.post(sandbox).set(auth).send({ from: ana }), 400);
      const theirId = theirs.body.group_id as string;
      await expectStatus(
        gw.http.patch(`${sandbox}/${theirId}`).set(auth).send({ from: ana, setting: 'edit_group_info', policy: 'admins' }),
        200,
      );
      await expectStatus(gw.http.patch(`${sandbox}/${theirId}`).set(auth).send({ from: ana }), 400);
      await expectStatus(gw.http.patch(`${sandbox}/${unknownGroup}`).set(auth).send({ from: ana, subject: 'x' }), 404);
      await expectStatus(gw.http.put(`${groups}/${theirId}`).set(auth).send({ subject: 'Mine now' }), 403);
      await expectStatus(
        gw.http.post(`${sandbox}/${theirId}/messages`).set(auth).send({ from: ana, type: 'text', text: 'hello group' }),
        202,
      );
      await expectStatus(gw.http.post(`${sandbox}/${theirId}/messages`).set(auth).send({ from: ana, type: 'text' }), 400);
      await expectStatus(gw.http.post(`${sandbox}/${unknownGroup}/messages`).set(auth).send({ from: ana, type: 'text', text: 'x' }), 404);
      await expectStatus(
        gw.http
          .post(`${sandbox}/${theirId}/participants`)
          .set(auth)
          .send({ from: ana, action: 'add', participants: [cal] }),
        200,
      );
      await expectStatus(
        gw.http
          .post(`${sandbox}/${theirId}/participants`)
          .set(auth)
          .send({ from: ana, action: 'kick', participants: [cal] }),
        400,
      );
      await expectStatus(
        gw.http
          .post(`${sandbox}/${unknownGroup}/participants`)
          .set(auth)
          .send({ from: ana, action: 'add', participants: [cal] }),
        404,
      );
      await expectStatus(gw.http.post(`${sandbox}/${unknownGroup}/applications`).set(auth).send({ from: cal }), 404);
      await expectStatus(gw.http.post(sandbox).set(bearer(liveKey)).send({ from: ana, subject: 'x' }), 403);

      await expectStatus(gw.http.delete(`${groups}/${theirId}`).set(auth), 200);
      await expectStatus(gw.http.delete(`${groups}/${theirId}`).set(auth), 403);
      const other = await expectStatus(
        gw.http
          .post(sandbox)
          .set(auth)
          .send({ from: ben, subject: 'Invite only', participants: [cal] }),
        201,
      );
      const code = simulator.group(other.body.group_id)!.inviteCode;
      await expectStatus(gw.http.delete(`${groups}/${other.body.group_id}`).set(auth), 200);
      await expectStatus(gw.http.put(groups).set(auth).send({ invite_code: code }), 200);
      await expectStatus(gw.http.put(groups).set(auth).send({ invite_code: '' }), 400);
      await expectStatus(gw.http.put(groups).set(auth).send({ invite_code: 'AAAAAAAAAAAAAAAAAAAAAA' }), 400); // never issued
      await expectStatus(gw.http.put(groups).set(auth).send({ invite_code: code }), 409); // already in it
    },
    TEST_MS,
  );

  it(
    'webhooks: endpoints, test deliveries, replays',
    async () => {
      const auth = bearer(key);
      receiver.respond = (request) => (request.path === '/failing' ? 500 : 200);
      const created = await expectStatus(
        gw.http
          .post('/v1/webhooks')
          .set(auth)
          .send({ url: receiver.url('/contract'), events: ['message.received'], description: 'contract' }),
        201,
      );
      const webhookId = created.body.id;
      await expectStatus(gw.http.post('/v1/webhooks').set(auth).send({ url: 'not a url' }), 400);
      await expectStatus(gw.http.get('/v1/webhooks').set(auth), 200);
      await expectStatus(gw.http.get('/v1/webhooks').set(auth).query({ limit: -1 }), 400);
      await expectStatus(gw.http.get(`/v1/webhooks/${webhookId}`).set(auth), 200);
      await expectStatus(gw.http.get('/v1/webhooks/whe_missing').set(auth), 404);
      await expectStatus(gw.http.patch(`/v1/webhooks/${webhookId}`).set(auth).send({ channel_id: channelId, description: null }), 200);
      await expectStatus(gw.http.patch(`/v1/webhooks/${webhookId}`).set(auth).send({}), 400);
      await expectStatus(gw.http.post(`/v1/webhooks/${webhookId}/rotate-secret`).set(auth).send({ expire_previous_in_seconds: 60 }), 200);
      await expectStatus(gw.http.post(`/v1/webhooks/${webhookId}/rotate-secret`).set(auth).send({ expire_previous_in_seconds: -1 }), 400);
      const test = await expectStatus(gw.http.post(`/v1/webhooks/${webhookId}/test`).set(auth), 202);
      await eventually(
        () => gw.http.get(`/v1/webhook-deliveries/${test.body.id}`).set(auth),
        (r) => r.body.status === 'delivered',
        WAIT_MS,
      );
      await expectStatus(gw.http.get(`/v1/webhook-deliveries/${test.body.id}`).set(auth), 200);
      await expectStatus(gw.http.get('/v1/webhook-deliveries/wevt_missing').set(auth), 404);
      await expectStatus(gw.http.get(`/v1/webhooks/${webhookId}/deliveries`).set(auth).query({ status: 'delivered' }), 200);
      await expectStatus(gw.http.get(`/v1/webhooks/${webhookId}/deliveries`).set(auth).query({ status: 'lost' }), 400);
      await expectStatus(gw.http.post(`/v1/webhook-deliveries/${test.body.id}/replay`).set(auth), 202);
      await expectStatus(gw.http.post('/v1/webhook-deliveries/wevt_missing/replay').set(auth), 404);
      await expectStatus(gw.http.delete(`/v1/webhooks/${webhookId}`).set(auth), 204);
      await expectStatus(gw.http.delete(`/v1/webhooks/${webhookId}`).set(auth), 404);

      // An endpoint that answers 500 keeps its delivery pending through the retries: a replay then is a no-op.
      const failing = await expectStatus(
        gw.http
          .post('/v1/webhooks')
          .set(auth)
          .send({ url: receiver.url('/failing') }),
        201,
      );
      const retried = await expectStatus(gw.http.post(`/v1/webhooks/${failing.body.id}/test`).set(auth), 202);
      await expectStatus(gw.http.post(`/v1/webhook-deliveries/${retried.body.id}/replay`).set(auth), 409);
      await eventually(
        () => gw.http.get(`/v1/webhook-deliveries/${retried.body.id}`).set(auth),
        (r) => r.body.status === 'failed',
        WAIT_MS,
      );
      await expectStatus(gw.http.get(`/v1/webhook-deliveries/${retried.body.id}`).set(auth), 200);
    },
    TEST_MS,
  );

  it(
    'event streams (Server-Sent Events)',
    async () => {
      const server = gw.app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      for (const path of ['/v1/events', `/v1/channels/${channelId}/events`]) {
        const abort = new AbortController();
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: bearer(key), signal: abort.signal });
        contract.check({ method: 'GET', path, status: response.status, headers: Object.fromEntries(response.headers), text: '' });
        expect(response.status).toBe(200);
        abort.abort();
      }
      await expectStatus(gw.http.get('/v1/events').set(bearer(key)).query({ after: 'the beginning' }), 400);
      await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/events`).set(bearer(key)), 404);
      await expectStatus(gw.http.get('/v1/events'), 401);
    },
    TEST_MS,
  );

  it(
    'limits, audit events, support tickets',
    async () => {
      const auth = bearer(key);
      await expectStatus(gw.http.get('/v1/limits').set(auth), 200);
      await expectStatus(gw.http.get('/v1/limits'), 401);
      await gw.flushAudit();
      await expectStatus(gw.http.get('/v1/audit-events').set(auth).query({ limit: 5 }), 200);
      await expectStatus(gw.http.get('/v1/audit-events').set(auth).query({ limit: 500 }), 400);
      const ticket = await expectStatus(
        gw.http.post('/v1/support/tickets').set(auth).send({ subject: 'Contract', body: 'Checking', channel_id: channelId }),
        201,
      );
      await expectStatus(gw.http.post('/v1/support/tickets').set(auth).send({ subject: '' }), 400);
      await expectStatus(gw.http.get('/v1/support/tickets').set(auth), 200);
      await expectStatus(gw.http.get('/v1/support/tickets').set(auth).query({ limit: 0 }), 400);
      await expectStatus(gw.http.get(`/v1/support/tickets/${ticket.body.id}`).set(auth), 200);
      await expectStatus(gw.http.get('/v1/support/tickets/tkt_missing').set(auth), 404);
    },
    TEST_MS,
  );

  it(
    'the admin API: disabling and enabling a channel',
    async () => {
      await expectStatus(gw.http.post(`/v1/admin/channels/${channelId}/enable`).set(admin), 409); // not disabled
      await expectStatus(gw.http.post(`/v1/admin/channels/${channelId}/disable`).set(admin), 200);
      await expectStatus(gw.http.post(`/v1/admin/channels/${channelId}/enable`).set(admin), 200);
      await expectStatus(gw.http.post(`/v1/admin/channels/${MISSING_CHANNEL}/disable`).set(admin), 404);
      await expectStatus(gw.http.post(`/v1/admin/channels/${channelId}/disable`), 401);
    },
    TEST_MS,
  );

  it(
    'the admin API: every channel',
    async () => {
      const all = await expectStatus(gw.http.get('/v1/admin/channels').set(admin).query({ customer_id: customerId, limit: 5 }), 200);
      expect(all.body.data.length).toBeGreaterThan(0);
      await expectStatus(gw.http.get('/v1/admin/channels').set(admin).query({ status: 'asleep' }), 400);
      await expectStatus(gw.http.get('/v1/admin/channels'), 401);
    },
    TEST_MS,
  );

  it(
    'the admin API: workers',
    async () => {
      const workers = await expectStatus(gw.http.get('/v1/admin/workers').set(admin), 200);
      expect(workers.body.data.length).toBeGreaterThan(0);
      await expectStatus(gw.http.get('/v1/admin/workers'), 401);
      await expectStatus(gw.http.get('/v1/admin/workers').set(bearer(key)), 401);
    },
    TEST_MS,
  );

  it(
    'API keys managed with a key',
    async () => {
      const auth = bearer(key);
      await expectStatus(gw.http.get('/v1/api-keys').set(auth).query({ limit: 5 }), 200);
      await expectStatus(gw.http.get('/v1/api-keys').set(auth).query({ limit: 0 }), 400);
      await expectStatus(gw.http.get('/v1/api-keys'), 401);
      const created = await expectStatus(gw.http.post('/v1/api-keys').set(auth).send({ name: 'contract', channel_id: channelId }), 201);
      await expectStatus(gw.http.post('/v1/api-keys').set(auth).send({ mode: 'live' }), 403);
      await expectStatus(gw.http.post('/v1/api-keys').set(auth).send({ mode: 'staging' }), 400);
      await expectStatus(gw.http.post('/v1/api-keys').set(auth).send({ channel_id: MISSING_CHANNEL }), 404);
      await expectStatus(gw.http.get('/v1/api-keys').set(bearer(created.body.key)), 403);
      await expectStatus(gw.http.post(`/v1/api-keys/${created.body.id}/revoke`).set(auth), 200);
      await expectStatus(gw.http.post('/v1/api-keys/key_missing/revoke').set(auth), 404);
      await expectStatus(gw.http.post(`/v1/api-keys/${created.body.id}/revoke`), 401);
    },
    TEST_MS,
  );

  describe('profile, privacy settings and blocklist', () => {
    it(
      'their routes and the sandbox phone acting on them',
      async () => {
        const auth = bearer(key);
        const paired = await new ChannelClient(gw, key).paired('account-settings', newPhone());
        const idle = await new ChannelClient(gw, key).create('account-settings-idle');
        const on = (path: string) => `/v1/channels/${paired.id}${path}`;
        const friend = newPhone();

        await expectStatus(gw.http.get(on('/profile')).set(auth), 200);
        await expectStatus(gw.http.get(on('/profile')), 401);
        await expectStatus(gw.http.get(on('/profile')).set(bearer(liveKey)), 403);
        await expectStatus(gw.http.get(`/v1/channels/${idle}/profile`).set(auth), 409);
        await expectStatus(gw.http.patch(on('/profile')).set(auth).send({ name: 'Contract', about: 'Checking' }), 200);
        await expectStatus(gw.http.patch(on('/profile')).set(auth).send({}), 400);
        const png = SAMPLES.png();
        source.serve('/contract-avatar.png', { body: png, headers: { 'content-type': 'image/png' } });
        // a PNG header and noise: WhatsApp's image library cannot read it
        await expectStatus(
          gw.http
            .put(on('/profile/picture'))
            .set(auth)
            .send({ source_url: source.url('/contract-avatar.png') }),
          400,
        );
        const image = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#36c' } })
          .png()
          .toBuffer();
        const stored = await expectStatus(
          gw.http.post(on('/media')).set(auth).attach('file', image, { filename: 'avatar.png', contentType: 'image/png' }),
          201,
        );
        await expectStatus(gw.http.put(on('/profile/picture')).set(auth).send({ media_id: stored.body.media_id }), 200);
        // media of another channel is not this channel's
        await expectStatus(gw.http.put(on('/profile/picture')).set(auth).send({ media_id: mediaId }), 400);
        await expectStatus(gw.http.put(on('/profile/picture')).set(auth).send({}), 400);
        await expectStatus(gw.http.delete(on('/profile/picture')).set(auth), 204);
        await expectStatus(gw.http.delete(`/v1/channels/${idle}/profile/picture`).set(auth), 409);

        await expectStatus(gw.http.get(on('/settings/privacy')).set(auth), 200);
        await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/settings/privacy`).set(auth), 404);
        await expectStatus(gw.http.patch(on('/settings/privacy')).set(auth).send({ last_seen: 'contacts' }), 200);
        await expectStatus(gw.http.patch(on('/settings/privacy')).set(auth).send({ online: 'none' }), 400);

        await expectStatus(gw.http.put(on(`/blocklist/${encodeURIComponent(friend)}`)).set(auth), 200);
        await expectStatus(gw.http.put(on('/blocklist/not-a-number')).set(auth), 400);
        await expectStatus(gw.http.put(on(`/blocklist/${encodeURIComponent('99999999999999@lid')}`)).set(auth), 404);
        await expectStatus(gw.http.get(on('/blocklist')).set(auth), 200);
        await expectStatus(gw.http.post(on('/messages')).set(auth).send({ to: friend, type: 'text', text: 'blocked' }), 400);
        await expectStatus(gw.http.delete(on(`/blocklist/${encodeURIComponent(friend)}`)).set(auth), 204);
        await expectStatus(gw.http.delete(on('/blocklist/not-a-number')).set(auth), 400);
        await expectStatus(gw.http.get(`/v1/channels/${idle}/blocklist`).set(auth), 409);

        const sandbox = (path: string) => `/v1/sandbox/channels/${paired.id}${path}`;
        await expectStatus(gw.http.patch(sandbox('/privacy')).set(auth).send({ read_receipts: 'none' }), 200);
        await expectStatus(gw.http.patch(sandbox('/privacy')).set(auth).send({ read_receipts: 'contacts' }), 400);
        await expectStatus(gw.http.patch(sandbox('/privacy')).set(bearer(liveKey)).send({ read_receipts: 'all' }), 403);
        await expectStatus(gw.http.put(sandbox(`/blocklist/${encodeURIComponent(friend)}`)).set(auth), 200);
        await expectStatus(gw.http.put(sandbox('/blocklist/someone')).set(auth), 400);
        await expectStatus(gw.http.delete(sandbox(`/blocklist/${encodeURIComponent(friend)}`)).set(auth), 200);
        await expectStatus(gw.http.delete(sandbox('/blocklist/someone')).set(auth), 400);
        await expectStatus(gw.http.get(sandbox(`/profile/seen-by/${encodeURIComponent(friend)}`)).set(auth), 200);
        await expectStatus(gw.http.get(sandbox('/profile/seen-by/someone')).set(auth), 400);
      },
      TEST_MS,
    );
  });

  describe('calls', () => {
    it(
      'a sandbox call offered, ended and rejected; unknown calls, bad input, no key, no live socket',
      async () => {
        const channels = new ChannelClient(gw, key);
        const { id } = await channels.paired('calls');
        const calls = (path: string) => `/v1/sandbox/channels/${id}/calls${path}`;
        const caller = newPhone();
        const ringing = await expectStatus(gw.http.post(calls('')).set(bearer(key)).send({ from: caller }), 201);
        await expectStatus(gw.http.post(calls('')).set(bearer(key)).send({ from: 'x' }), 400);
        await eventually(
          () => db.prisma.domainEvent.count({ where: { channelId: id, type: 'call.offered' } }),
          (n) => n === 1,
          WAIT_MS,
        );
        await expectStatus(gw.http.post(`/v1/channels/${id}/calls/${ringing.body.call_id}/reject`).set(bearer(key)), 200);
        await expectStatus(gw.http.post(`/v1/channels/${id}/calls/${ringing.body.call_id}/reject`).set(bearer(key)), 404);
        await expectStatus(gw.http.post(`/v1/channels/${id}/calls/${ringing.body.call_id}/reject`), 401);
        await expectStatus(gw.http.post(`/v1/channels/${MISSING_CHANNEL}/calls/X/reject`).set(bearer(key)), 404);
        await expectStatus(gw.http.post(`/v1/channels/${id}/calls/X/reject`).set(bearer(liveKey)), 403);

        const missed = await expectStatus(gw.http.post(calls('')).set(bearer(key)).send({ from: caller, video: true }), 201);
        await expectStatus(
          gw.http
            .post(calls(`/${missed.body.call_id}/end`))
            .set(bearer(key))
            .send({ how: 'hangup' }),
          200,
        );
        await expectStatus(
          gw.http
            .post(calls(`/${missed.body.call_id}/end`))
            .set(bearer(key))
            .send({ how: 'hangup' }),
          404,
        );
        await expectStatus(
          gw.http
            .post(calls(`/${missed.body.call_id}/end`))
            .set(bearer(key))
            .send({ how: 'later' }),
          400,
        );

        await expectStatus(gw.http.post(`/v1/channels/${id}/disconnect`).set(bearer(key)), 200);
        await channels.waitForStatus(id, 'stopped_by_user', WAIT_MS);
        await expectStatus(gw.http.post(`/v1/channels/${id}/calls/X/reject`).set(bearer(key)), 409);
      },
      TEST_MS,
    );
  });

  describe('presence', () => {
    it(
      'own presence, chat states, subscriptions, the cached presence, the sandbox contact; bad input, no key, no live socket',
      async () => {
        const channels = new ChannelClient(gw, key);
        const { id } = await channels.paired('presence');
        const presences = (path: string) => `/v1/channels/${id}/presences${path}`;
        const friend = newPhone();
        await expectStatus(gw.http.put(presences('/me')).set(bearer(key)).send({ presence: 'online' }), 200);
        await expectStatus(gw.http.put(presences('/me')).set(bearer(key)).send({ presence: 'away' }), 400);
        await expectStatus(gw.http.put(presences('/me')).send({ presence: 'online' }), 401);
        await expectStatus(
          gw.http
            .post(presences(`/${friend}`))
            .set(bearer(key))
            .send({ presence: 'typing' }),
          200,
        );
        await expectStatus(gw.http.post(presences('/nobody')).set(bearer(key)).send({ presence: 'typing' }), 400);
        await expectStatus(gw.http.post(presences(`/${friend}/subscribe`)).set(bearer(key)), 200);
        await expectStatus(gw.http.post(presences('/nobody/subscribe')).set(bearer(key)), 400);
        await expectStatus(gw.http.get(presences(`/${friend}`)).set(bearer(key)), 200);
        await expectStatus(gw.http.get(presences('/nobody')).set(bearer(key)), 400);
        await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/presences/${friend}`).set(bearer(key)), 404);
        await expectStatus(gw.http.get(presences(`/${friend}`)).set(bearer(liveKey)), 403);
        const sandbox = `/v1/sandbox/channels/${id}/presence`;
        await expectStatus(gw.http.post(sandbox).set(bearer(key)).send({ from: friend, presence: 'online' }), 200);
        await expectStatus(gw.http.post(sandbox).set(bearer(key)).send({ from: friend, presence: 'asleep' }), 400);

        await expectStatus(gw.http.post(`/v1/channels/${id}/disconnect`).set(bearer(key)), 200);
        await channels.waitForStatus(id, 'stopped_by_user', WAIT_MS);
        await expectStatus(gw.http.post(presences(`/${friend}/subscribe`)).set(bearer(key)), 409);
      },
      TEST_MS,
    );
  });

  describe('labels', () => {
    it(
      'their routes on a WhatsApp Business channel, and the refusals',
      async () => {
        const auth = bearer(key);
        const number = newPhone();
        simulator.createPhone(digits(number), { business: true });
        const paired = await new ChannelClient(gw, key).paired('labels', number);
        const personal = await new ChannelClient(gw, key).paired('labels-personal', newPhone());
        const idle = await new ChannelClient(gw, key).create('labels-idle');
        const on = (path: string) => `/v1/channels/${paired.id}${path}`;
        const chat = encodeURIComponent(newPhone());

        const created = await expectStatus(gw.http.post(on('/labels')).set(auth).send({ name: 'VIP', color: 'gold' }), 201);
        const label = created.body.id as string;
        await expectStatus(gw.http.post(on('/labels')).set(auth).send({ name: 'VIP' }), 400);
        await expectStatus(gw.http.post(on('/labels')), 401);
        await expectStatus(gw.http.post(on('/labels')).set(bearer(liveKey)).send({ name: 'x', color: 'gold' }), 403);
        await expectStatus(gw.http.post(`/v1/channels/${idle}/labels`).set(auth).send({ name: 'x', color: 'gold' }), 409);
        await expectStatus(gw.http.post(`/v1/channels/${personal.id}/labels`).set(auth).send({ name: 'x', color: 'gold' }), 409);
        await expectStatus(gw.http.get(on('/labels')).set(auth), 200);
        await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/labels`).set(auth), 404);
        await expectStatus(gw.http.get(`/v1/channels/${personal.id}/labels`).set(auth), 409);
        await expectStatus(
          gw.http
            .patch(on(`/labels/${label}`))
            .set(auth)
            .send({ color: 'plum' }),
          200,
        );
        await expectStatus(
          gw.http
            .patch(on(`/labels/${label}`))
            .set(auth)
            .send({}),
          400,
        );
        await expectStatus(gw.http.patch(on('/labels/999')).set(auth).send({ name: 'x' }), 404);
        await expectStatus(gw.http.post(on(`/labels/${label}/chats/${chat}`)).set(auth), 204);
        await expectStatus(gw.http.post(on(`/labels/${label}/chats/not-a-chat`)).set(auth), 400);
        await expectStatus(gw.http.post(on('/labels/999/chats/' + chat)).set(auth), 404);
        const sent = await expectStatus(
          gw.http.post(on('/messages')).set(auth).send({ to: newPhone(), type: 'text', text: 'labelled' }),
          202,
        );
        const message = sent.body.message_id as string;
        await expectStatus(gw.http.post(on(`/labels/${label}/messages/${message}`)).set(auth), 204);
        await expectStatus(gw.http.post(on(`/labels/${label}/messages/msg_unknown`)).set(auth), 404);
        await expectStatus(gw.http.get(on(`/labels/${label}`)).set(auth), 200);
        await expectStatus(gw.http.get(on('/labels/999')).set(auth), 404);
        await expectStatus(gw.http.delete(on(`/labels/${label}/messages/${message}`)).set(auth), 204);
        await expectStatus(gw.http.delete(on(`/labels/${label}/messages/msg_unknown`)).set(auth), 404);
        await expectStatus(gw.http.delete(on(`/labels/${label}/chats/${chat}`)).set(auth), 204);
        await expectStatus(gw.http.delete(on(`/labels/${label}/chats/not-a-chat`)).set(auth), 400);
        await expectStatus(gw.http.delete(on(`/labels/${label}`)).set(auth), 204);
        await expectStatus(gw.http.delete(on(`/labels/${label}`)).set(auth), 404);

        const sandbox = (path: string) => `/v1/sandbox/channels/${paired.id}${path}`;
        await expectStatus(gw.http.put(sandbox('/labels/70')).set(auth).send({ name: 'Phone', color: 'cyan' }), 200);
        await expectStatus(gw.http.put(sandbox('/labels/70')).set(auth).send({ name: 'Phone', color: 'red' }), 400);
        await expectStatus(gw.http.put(sandbox('/labels/70')).set(bearer(liveKey)).send({ name: 'Phone', color: 'cyan' }), 403);
        await expectStatus(
          gw.http
            .put(sandbox(`/labels/70/chats/${chat}`))
            .set(auth)
            .send({ labeled: true }),
          200,
        );
        await expectStatus(gw.http.put(sandbox('/labels/70/chats/not-a-chat')).set(auth).send({ labeled: true }), 400);
        await expectStatus(gw.http.get(sandbox('/labels')).set(auth), 200);
        await expectStatus(gw.http.get(`/v1/sandbox/channels/${personal.id}/labels`).set(auth), 409);
      },
      TEST_MS,
    );
  });

  describe('newsletters', () => {
    it(
      'their routes on a paired channel, the sandbox contacts, and the refusals',
      async () => {
        const auth = bearer(key);
        const channels = new ChannelClient(gw, key);
        const { id } = await channels.paired('newsletters');
        const on = (path: string) => `/v1/channels/${id}/newsletters${path}`;
        const sandbox = (path: string) => `/v1/sandbox/channels/${id}/newsletters${path}`;
        const UNKNOWN = '120363400000000001@newsletter';

        const created = await expectStatus(gw.http.post(on('')).set(auth).send({ name: 'Contract news', description: 'd' }), 201);
        const mine = created.body.id as string;
        await expectStatus(gw.http.post(on('')).set(auth).send({}), 400);
        await expectStatus(gw.http.post(on('')).send({ name: 'x' }), 401);
        await expectStatus(gw.http.get(on('')).set(auth), 200);
        await expectStatus(gw.http.get(on('')).set(auth).query({ limit: 0 }), 400);
        await expectStatus(gw.http.get(on(`/${mine}`)).set(auth), 200);
        await expectStatus(gw.http.get(on(`/${UNKNOWN}`)).set(auth), 404);
        await expectStatus(gw.http.get(on('/nope')).set(auth), 400);
        await expectStatus(gw.http.get(on(`/${mine}`)).set(bearer(liveKey)), 403);
        await expectStatus(gw.http.get(on(`/link/${created.body.invite_code}`)).set(auth), 200);
        await expectStatus(gw.http.get(on('/link/NoSuchInviteCode123')).set(auth), 404);
        await expectStatus(
          gw.http
            .patch(on(`/${mine}`))
            .set(auth)
            .send({ name: 'Contract news 2', reactions: 'basic' }),
          200,
        );
        await expectStatus(
          gw.http
            .patch(on(`/${mine}`))
            .set(auth)
            .send({}),
          400,
        );
        const post = await expectStatus(
          gw.http
            .post(on(`/${mine}/messages`))
            .set(auth)
            .send({ type: 'text', text: 'Hello' }),
          202,
        );
        await expectStatus(
          gw.http
            .post(on(`/${mine}/messages`))
            .set(auth)
            .send({ type: 'text' }),
          400,
        );
        await eventually(
          () => gw.http.get(`/v1/channels/${id}/messages/${post.body.message_id}`).set(auth),
          (r) => r.body.status === 'sent',
          WAIT_MS,
        );
        await expectStatus(gw.http.get(on(`/${mine}/messages`)).set(auth), 200);
        await expectStatus(
          gw.http
            .get(on(`/${mine}/messages`))
            .set(auth)
            .query({ cursor: 'forged' }),
          400,
        );
        await expectStatus(gw.http.delete(on(`/${mine}/admins/${encodeURIComponent(newPhone())}`)).set(auth), 404);
        await expectStatus(gw.http.delete(on(`/${mine}/admins/nobody`)).set(auth), 400);
        await expectStatus(gw.http.delete(on(`/${mine}/subscription`)).set(auth), 403); // the owner cannot leave

        const owner = newPhone();
        const theirs = await expectStatus(gw.http.post(sandbox('')).set(auth).send({ from: owner, name: 'Theirs' }), 201);
        await expectStatus(gw.http.post(sandbox('')).set(auth).send({ from: 'nobody', name: 'x' }), 400);
        const other = theirs.body.newsletter_id as string;
        await expectStatus(
          gw.http
            .post(sandbox(`/${mine}/followers`))
            .set(auth)
            .send({ from: owner }),
          200,
        );
        await expectStatus(
          gw.http
            .post(sandbox(`/${mine}/followers`))
            .set(auth)
            .send({ from: owner }),
          409,
        );
        await expectStatus(gw.http.post(on(`/${other}/subscription`)).set(auth), 200);
        await expectStatus(gw.http.post(on(`/${other}/subscription`)).set(auth), 409);
        await expectStatus(gw.http.post(on(`/${other}/mute`)).set(auth), 200);
        await expectStatus(gw.http.delete(on(`/${other}/mute`)).set(auth), 200);
        await expectStatus(
          gw.http
            .patch(on(`/${other}`))
            .set(auth)
            .send({ name: 'Mine now' }),
          403,
        );
        const posted = await expectStatus(
          gw.http
            .post(sandbox(`/${other}/messages`))
            .set(auth)
            .send({ from: owner, text: 'News' }),
          202,
        );
        await expectStatus(
          gw.http
            .post(sandbox(`/${other}/messages`))
            .set(auth)
            .send({ from: newPhone(), text: 'x' }),
          403,
        );
        await expectStatus(
          gw.http
            .post(sandbox(`/${UNKNOWN}/messages`))
            .set(auth)
            .send({ from: owner, text: 'x' }),
          404,
        );
        const serverId = posted.body.server_id as number;
        await expectStatus(
          gw.http
            .put(on(`/${other}/messages/${serverId}/reaction`))
            .set(auth)
            .send({ emoji: '👍' }),
          200,
        );
        await expectStatus(
          gw.http
            .put(on(`/${other}/messages/${serverId}/reaction`))
            .set(auth)
            .send({}),
          400,
        );
        await expectStatus(
          gw.http
            .put(on(`/${other}/messages/999/reaction`))
            .set(auth)
            .send({ emoji: '👍' }),
          404,
        );
        await expectStatus(gw.http.delete(on(`/${other}/messages/${serverId}/reaction`)).set(auth), 200);
        await expectStatus(gw.http.delete(on(`/${other}/messages/abc/reaction`)).set(auth), 400);
        await expectStatus(gw.http.delete(on(`/${other}/subscription`)).set(auth), 200);
        await expectStatus(gw.http.delete(on(`/${other}/subscription`)).set(auth), 409);
        const invite = theirs.body.invite_code as string;
        await expectStatus(gw.http.post(on(`/invite/${invite}/subscription`)).set(auth), 200);
        await expectStatus(gw.http.post(on('/invite/bad%20code/subscription')).set(auth), 400);
        await expectStatus(gw.http.delete(on(`/invite/${invite}/subscription`)).set(auth), 200);
        await expectStatus(gw.http.delete(on('/invite/NoSuchInviteCode123/subscription')).set(auth), 404);
        await expectStatus(gw.http.delete(on(`/${other}`)).set(auth), 403);
        await expectStatus(gw.http.delete(on(`/${mine}`)).set(auth), 200);
        await expectStatus(gw.http.delete(on(`/${mine}`)).set(auth), 404);

        await expectStatus(gw.http.post(`/v1/channels/${id}/disconnect`).set(auth), 200);
        await channels.waitForStatus(id, 'stopped_by_user', WAIT_MS);
        await expectStatus(gw.http.get(on('')).set(auth), 409);
      },
      TEST_MS,
    );
  });

  describe('communities', () => {
    it(
      'every route, WhatsApp refusals, the sandbox adding the channel to a community',
      async () => {
        const auth = bearer(key);
        const own = newPhone();
        const paired = await new ChannelClient(gw, key).paired('communities', own);
        const communities = `/v1/channels/${paired.id}/communities`;
        const sandbox = `/v1/sandbox/channels/${paired.id}/communities`;
        const [ana, ben] = [newPhone(), newPhone()];
        for (const member of [ana, ben]) simulator.createPhone(digits(member));
        const unknown = '120363000000000001@g.us';

        const created = await expectStatus(
          gw.http.post(communities).set(auth).send({ subject: 'Contract community', description: 'About' }),
          201,
        );
        const id = created.body.id as string;
        await expectStatus(gw.http.post(communities).set(auth).send({ subject: '' }), 400);
        await expectStatus(gw.http.post(communities).set(bearer(liveKey)).send({ subject: 'x' }), 403);
        await expectStatus(gw.http.post(communities).send({ subject: 'x' }), 401);
        await expectStatus(gw.http.get(communities).set(auth), 200);
        await expectStatus(gw.http.get(communities).set(auth).query({ cursor: 'forged' }), 400);
        await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/communities`).set(auth), 404);
        const offline = await expectStatus(gw.http.post('/v1/channels').set(auth).send({ name: 'offline-communities' }), 201);
        await expectStatus(gw.http.get(`/v1/channels/${offline.body.id}/communities`).set(auth), 409);

        await expectStatus(gw.http.get(`${communities}/${id}`).set(auth), 200);
        await expectStatus(gw.http.get(`${communities}/not-a-community`).set(auth), 400);
        await expectStatus(gw.http.get(`${communities}/${unknown}`).set(auth), 404);

        const inside = await expectStatus(
          gw.http
            .post(`${communities}/${id}`)
            .set(auth)
            .send({ subject: 'Inside', participants: [ana] }),
          201,
        );
        await expectStatus(
          gw.http
            .post(`${communities}/${id}`)
            .set(auth)
            .send({ participants: [ana] }),
          400,
        );
        await expectStatus(gw.http.get(`${communities}/${id}/subgroups`).set(auth), 200);
        await expectStatus(gw.http.get(`${communities}/${id}/subgroups`).set(auth).query({ limit: 0 }), 400);
        await expectStatus(gw.http.get(`${communities}/${unknown}/subgroups`).set(auth), 404);
        await expectStatus(gw.http.delete(`${communities}/${id}/${inside.body.id}`).set(auth), 200);
        await expectStatus(gw.http.delete(`${communities}/${id}/${inside.body.id}`).set(auth), 404);
        await expectStatus(gw.http.put(`${communities}/${id}/${inside.body.id}`).set(auth), 200);
        await expectStatus(gw.http.put(`${communities}/${id}/${inside.body.id}`).set(auth), 409);
        await expectStatus(gw.http.put(`${communities}/${id}/not-a-group`).set(auth), 400);

        await expectStatus(
          gw.http
            .post(`${communities}/${id}/participants`)
            .set(auth)
            .send({ participants: [ben] }),
          200,
        );
        await expectStatus(gw.http.post(`${communities}/${id}/participants`).set(auth).send({ participants: [] }), 400);
        await expectStatus(
          gw.http
            .patch(`${communities}/${id}/admins`)
            .set(auth)
            .send({ participants: [ben] }),
          200,
        );
        await expectStatus(gw.http.patch(`${communities}/${id}/admins`).set(auth).send({}), 400);
        await expectStatus(
          gw.http
            .delete(`${communities}/${id}/admins`)
            .set(auth)
            .send({ participants: [ben] }),
          200,
        );
        await expectStatus(gw.http.delete(`${communities}/${id}/admins`).set(auth).send({ participants: 'x' }), 400);
        await expectStatus(
          gw.http
            .delete(`${communities}/${id}/participants`)
            .set(auth)
            .send({ participants: [ben] }),
          200,
        );
        await expectStatus(
          gw.http
            .delete(`${communities}/${id}/participants`)
            .set(auth)
            .send({ participants: ['x'] }),
          400,
        );
        await expectStatus(
          gw.http.patch(`${communities}/${id}/settings`).set(auth).send({ setting: 'edit_group_info', policy: 'admins' }),
          200,
        );
        await expectStatus(
          gw.http.patch(`${communities}/${id}/settings`).set(auth).send({ setting: 'send_messages', policy: 'admins' }),
          400,
        );
        await expectStatus(gw.http.delete(`${communities}/${id}/link`).set(auth), 200);
        await expectStatus(gw.http.delete(`${communities}/${unknown}/link`).set(auth), 404);

        // a community a contact runs: the channel is a plain member there
        const theirs = await expectStatus(
          gw.http
            .post(sandbox)
            .set(auth)
            .send({ from: ana, subject: 'Theirs', participants: [ben] }),
          201,
        );
        await expectStatus(gw.http.post(sandbox).set(auth).send({ from: ana }), 400);
        await expectStatus(gw.http.post(sandbox).set(bearer(liveKey)).send({ from: ana, subject: 'x' }), 403);
        const theirId = theirs.body.community_id as string;
        await expectStatus(gw.http.delete(`${communities}/${theirId}/link`).set(auth), 403);
        await expectStatus(
          gw.http
            .post(`${sandbox}/${theirId}/participants`)
            .set(auth)
            .send({ from: ana, action: 'promote', participants: [ben] }),
          200,
        );
        await expectStatus(
          gw.http
            .post(`${sandbox}/${theirId}/participants`)
            .set(auth)
            .send({ from: ben, action: 'kick', participants: [ana] }),
          400,
        );
        await expectStatus(
          gw.http
            .post(`${sandbox}/${unknown}/participants`)
            .set(auth)
            .send({ from: ana, action: 'add', participants: [ben] }),
          404,
        );
        await expectStatus(
          gw.http
            .post(`${sandbox}/${theirId}/participants`)
            .set(auth)
            .send({ from: own, action: 'remove', participants: [ana] }),
          403,
        );
      },
      TEST_MS,
    );
  });

  describe('stories', () => {
    it(
      "a story posted, listed, viewed, revoked; a contact's story; bad input, unknown stories, no key, no live socket",
      async () => {
        const channels = new ChannelClient(gw, key);
        const { id } = await channels.paired('stories');
        const stories = (path: string) => `/v1/channels/${id}/stories${path}`;
        const viewer = newPhone();
        simulator.createPhone(digits(viewer));
        const posted = await expectStatus(
          gw.http
            .post(stories(''))
            .set(bearer(key))
            .send({ type: 'text', text: 'Open today', background_color: '#1F8A70', audience: { contacts: [viewer] } }),
          201,
        );
        await expectStatus(
          gw.http
            .post(stories(''))
            .set(bearer(key))
            .send({ type: 'text', text: 'x', audience: { contacts: [] } }),
          400,
        );
        await expectStatus(gw.http.post(stories('')).send({ type: 'text', text: 'x', audience: 'contacts' }), 401);
        const sandbox = `/v1/sandbox/channels/${id}/stories`;
        await expectStatus(gw.http.post(`${sandbox}/${posted.body.id}/views`).set(bearer(key)).send({ from: viewer }), 200);
        await expectStatus(gw.http.post(`${sandbox}/msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F/views`).set(bearer(key)).send({ from: viewer }), 404);
        await expectStatus(gw.http.post(`${sandbox}/${posted.body.id}/views`).set(bearer(key)).send({ from: 'x' }), 400);
        await expectStatus(gw.http.post(sandbox).set(bearer(key)).send({ from: viewer, text: 'My story' }), 201);
        await expectStatus(gw.http.post(sandbox).set(bearer(key)).send({ from: viewer }), 400);
        await expectStatus(gw.http.get(stories('')).set(bearer(key)), 200);
        await expectStatus(gw.http.get(stories('?limit=0')).set(bearer(key)), 400);
        await expectStatus(gw.http.get(stories(`/${posted.body.id}`)).set(bearer(key)), 200);
        await expectStatus(gw.http.get(stories('/msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F')).set(bearer(key)), 404);
        await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/stories`).set(bearer(key)), 404);
        await expectStatus(gw.http.get(stories('')).set(bearer(liveKey)), 403);
        await expectStatus(gw.http.delete(stories(`/${posted.body.id}`)).set(bearer(key)), 204);
        await expectStatus(gw.http.delete(stories(`/${posted.body.id}`)).set(bearer(key)), 404);

        await expectStatus(gw.http.post(`/v1/channels/${id}/disconnect`).set(bearer(key)), 200);
        await channels.waitForStatus(id, 'stopped_by_user', WAIT_MS);
        await expectStatus(
          gw.http
            .post(stories(''))
            .set(bearer(key))
            .send({ type: 'text', text: 'x', audience: { contacts: [viewer] } }),
          409,
        );
        await expectStatus(gw.http.delete(stories(`/${posted.body.id}`)).set(bearer(key)), 409);
      },
      TEST_MS,
    );
  });

  describe('business', () => {
    it(
      'the business routes on a WhatsApp Business channel, the sandbox ones, and the refusals',
      async () => {
        const auth = bearer(key);
        const number = newPhone();
        simulator.createPhone(digits(number), { business: true });
        const paired = await new ChannelClient(gw, key).paired('business', number);
        const personal = await new ChannelClient(gw, key).paired('business-personal', newPhone());
        const idle = await new ChannelClient(gw, key).create('business-idle');
        const on = (path: string) => `/v1/channels/${paired.id}/business${path}`;
        const product = { retailer_id: 'C-1', name: 'Contract bread', price_amount_1000: 2500, currency: 'EUR' };
        const eventuallyValue = async (read: () => Promise<string | null>) =>
          (await eventually(read, (v) => v !== null, WAIT_MS)) as string;

        await expectStatus(gw.http.get(on('/profile')).set(auth), 200);
        await expectStatus(gw.http.get(`/v1/channels/${personal.id}/business/profile`).set(auth), 409);
        await expectStatus(gw.http.get(`/v1/channels/${idle}/business/profile`).set(auth), 409);
        await expectStatus(gw.http.patch(on('/profile')).set(auth).send({ description: 'Bread' }), 200);
        await expectStatus(gw.http.patch(on('/profile')).set(auth).send({ category: 'x' }), 400);
        await expectStatus(gw.http.patch(on('/profile')), 401);

        const created = await expectStatus(gw.http.post(on('/products')).set(auth).send(product), 201);
        const productId = created.body.id as string;
        await expectStatus(gw.http.post(on('/products')).set(auth).send(product), 409);
        await expectStatus(
          gw.http
            .post(on('/products'))
            .set(auth)
            .send({ ...product, currency: 'eur' }),
          400,
        );
        await expectStatus(gw.http.post(on('/products')).set(bearer(liveKey)).send(product), 403);
        await expectStatus(gw.http.post(`/v1/channels/${idle}/business/products`).set(auth).send(product), 409);
        await expectStatus(gw.http.get(on('/products')).set(auth), 200);
        await expectStatus(gw.http.get(on('/products?hidden=maybe')).set(auth), 400);
        await expectStatus(gw.http.get(`/v1/channels/${personal.id}/business/products`).set(auth), 409);
        await expectStatus(gw.http.get(`/v1/channels/${MISSING_CHANNEL}/business/products`).set(auth), 404);
        await expectStatus(gw.http.get(on(`/products/${productId}`)).set(auth), 200);
        await expectStatus(gw.http.get(on('/products/prd_unknown')).set(auth), 404);
        await expectStatus(gw.http.get(`/v1/channels/${personal.id}/business/products/prd_unknown`).set(auth), 409);
        const waProductId = await eventuallyValue(async () => {
          const body = (await gw.http.get(on(`/products/${productId}`)).set(auth)).body as { wa_product_id: string | null };
          return body.wa_product_id;
        });
        await expectStatus(
          gw.http
            .patch(on(`/products/${productId}`))
            .set(auth)
            .send({ name: 'Rye' }),
          200,
        );
        await expectStatus(
          gw.http
            .patch(on(`/products/${productId}`))
            .set(auth)
            .send({}),
          400,
        );
        await expectStatus(gw.http.patch(on('/products/prd_unknown')).set(auth).send({ name: 'x' }), 404);
        await expectStatus(
          gw.http
            .patch(on(`/products/${productId}`))
            .set(auth)
            .send({ retailer_id: 'C-2' }),
          200,
        );
        await expectStatus(
          gw.http
            .post(on('/products'))
            .set(auth)
            .send({ ...product, retailer_id: 'C-3' }),
          201,
        );
        await expectStatus(
          gw.http
            .patch(on(`/products/${productId}`))
            .set(auth)
            .send({ retailer_id: 'C-3' }),
          409,
        );
        await expectStatus(gw.http.patch(`/v1/channels/${personal.id}/business/products/prd_unknown`).set(auth).send({ name: 'x' }), 409);

        const accepted = await expectStatus(
          gw.http
            .post(on('/products/bulk'))
            .set(auth)
            .send({ products: [{ ...product, retailer_id: 'C-B' }] }),
          202,
        );
        await expectStatus(gw.http.post(on('/products/bulk')).set(auth).send({ products: [] }), 400);
        await expectStatus(
          gw.http
            .post(`/v1/channels/${personal.id}/business/products/bulk`)
            .set(auth)
            .send({ products: [product] }),
          409,
        );
        await expectStatus(gw.http.get(on(`/imports/${accepted.body.import_id as string}`)).set(auth), 200);
        await expectStatus(gw.http.get(on('/imports/imp_unknown')).set(auth), 404);
        await expectStatus(gw.http.get(`/v1/channels/${personal.id}/business/imports/imp_unknown`).set(auth), 409);

        await expectStatus(gw.http.post(on('/catalog/sync')).set(auth), 200);
        await expectStatus(gw.http.post(`/v1/channels/${personal.id}/business/catalog/sync`).set(auth), 409);
        simulator.setCatalogRate(digits(number), 0);
        await expectStatus(gw.http.get(on('/collections')).set(auth), 429);
        await expectStatus(gw.http.post(on('/catalog/sync')).set(auth), 429);
        simulator.setCatalogRate(digits(number), 60);
        await expectStatus(gw.http.get(on('/collections')).set(auth), 200);
        await expectStatus(gw.http.get(`/v1/channels/${personal.id}/business/collections`).set(auth), 409);
        await expectStatus(gw.http.get(`/v1/channels/${idle}/business/collections`).set(auth), 409);

        const sandbox = (path: string) => `/v1/sandbox/channels/${paired.id}/business${path}`;
        await expectStatus(
          gw.http
            .post(sandbox('/orders'))
            .set(auth)
            .send({ from: newPhone(), items: [{ wa_product_id: waProductId, quantity: 2 }] }),
          201,
        );
        await expectStatus(gw.http.post(sandbox('/orders')).set(auth).send({ from: newPhone(), items: [] }), 400);
        await expectStatus(
          gw.http
            .post(sandbox('/orders'))
            .set(auth)
            .send({ from: newPhone(), items: [{ wa_product_id: '1', quantity: 1 }] }),
          404,
        );
        await expectStatus(
          gw.http
            .post(`/v1/sandbox/channels/${personal.id}/business/orders`)
            .set(auth)
            .send({ from: newPhone(), items: [{ wa_product_id: '1', quantity: 1 }] }),
          409,
        );
        await expectStatus(
          gw.http
            .put(sandbox(`/products/${waProductId}`))
            .set(auth)
            .send({ name: 'Phone bread' }),
          200,
        );
        await expectStatus(
          gw.http
            .put(sandbox(`/products/${waProductId}`))
            .set(auth)
            .send({}),
          400,
        );
        await expectStatus(gw.http.put(sandbox('/products/1')).set(auth).send({ name: 'x' }), 404);
        await expectStatus(gw.http.put(`/v1/sandbox/channels/${personal.id}/business/products/1`).set(auth).send({ name: 'x' }), 409);

        const orderId = await eventuallyValue(async () => {
          const body = (await gw.http.get(on('/orders')).set(auth)).body as { data: Array<{ id: string }> };
          return body.data[0]?.id ?? null;
        });
        await expectStatus(gw.http.get(on('/orders')).set(auth), 200);
        await expectStatus(gw.http.get(on('/orders?limit=0')).set(auth), 400);
        await expectStatus(gw.http.get(`/v1/channels/${personal.id}/business/orders`).set(auth), 409);
        await expectStatus(gw.http.get(on(`/orders/${orderId}`)).set(auth), 200);
        await expectStatus(gw.http.get(on('/orders/ord_unknown')).set(auth), 404);
        await expectStatus(gw.http.get(`/v1/channels/${personal.id}/business/orders/ord_unknown`).set(auth), 409);

        await expectStatus(gw.http.delete(on(`/products/${productId}`)).set(auth), 204);
        await expectStatus(gw.http.delete(on(`/products/${productId}`)).set(auth), 404);
        await expectStatus(gw.http.delete(`/v1/channels/${personal.id}/business/products/prd_unknown`).set(auth), 409);
      },
      TEST_MS,
    );
  });

  it('checked every operation of the document', () => {
    const coverage = contract.coverage();
    // The numbers this suite proves, for the record.
    // eslint-disable-next-line no-console -- the run's coverage summary is meant to be read in the test output
    console.log(
      `OpenAPI contract: ${coverage.checkedOperations}/${coverage.operations} operations, ` +
        `${coverage.checkedResponses}/${coverage.declaredResponses} declared responses checked against real answers`,
    );
    expect(coverage.uncheckedOperations).toEqual([]);
  });
});
