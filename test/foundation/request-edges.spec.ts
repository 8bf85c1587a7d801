import type { Response } from 'supertest';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

/** A cursor as a client could forge it: base64url JSON, like the ones the API mints. */
function forgedCursor(content: unknown): string {
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

function firstIssuePath(res: Response): string {
  return (res.body.error.details.issues as Array<{ path: Array<string | number> }>)[0].path.join('.');
}

describe('Input at the edge of the API', () => {
  const ctx = useTestContext();
  let admin: { Authorization: string };
  let key: string;
  let customerId: string;
  let channelId: string;
  let endpointId: string;

  beforeAll(async () => {
    admin = bearer(ctx.gw.adminToken);
    ({ key, customerId } = await ctx.newAccount({ plan: 'unlimited' }));
    channelId = (await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'edges' }).expect(201)).body.id;
    endpointId = (await ctx.http.post('/v1/webhooks').set(bearer(key)).send({ url: 'https://hooks.example.com/edges' }).expect(201)).body
      .id;
  });

  describe('text PostgreSQL cannot hold (U+0000, lone surrogates)', () => {
    const cases: Array<[string, string, () => ReturnType<TestGateway['http']['get']>]> = [
      ['a channel name', 'name', () => ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'a\u0000b' })],
      ['a channel rename', 'name', () => ctx.http.patch(`/v1/channels/${channelId}`).set(bearer(key)).send({ name: 'a\u0000' })],
      ['a ticket subject', 'subject', () => ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'x\u0000', body: 'b' })],
      [
        'a ticket body (lone surrogate)',
        'body',
        () => ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 's', body: 'b\ud800' }),
      ],
      [
        'a webhook description',
        'description',
        () => ctx.http.post('/v1/webhooks').set(bearer(key)).send({ url: 'https://hooks.example.com/d', description: 'd\u0000' }),
      ],
      [
        'a webhook description change',
        'description',
        () => ctx.http.patch(`/v1/webhooks/${endpointId}`).set(bearer(key)).send({ description: '\udc00' }),
      ],
      ['a customer name', 'name', () => ctx.http.post('/v1/admin/customers').set(admin).send({ name: 'Acme\u0000' })],
      ['a customer rename', 'name', () => ctx.http.patch(`/v1/admin/customers/${customerId}`).set(admin).send({ name: '\u0000' })],
      [
        'a plan name',
        'name',
        () =>
          ctx.http
            .put('/v1/admin/plans/nul')
            .set(admin)
            .send({ name: 'P\u0000', channel_limit: 1, rate_limit: { burst: 1, per_second: 1 } }),
      ],
      [
        'an API key name',
        'name',
        () => ctx.http.post('/v1/admin/keys').set(admin).send({ customer_id: customerId, mode: 'test', name: 'k\ud800' }),
      ],
      ['a query parameter', 'event', () => ctx.http.get(`/v1/webhooks/${endpointId}/deliveries?event=%00`).set(bearer(key))],
      [
        'a field name',
        'x\u0000',
        () => ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 's', body: 'b', 'x\u0000': 1 }),
      ],
    ];

    it.each(cases)('refuses it in %s with invalid_request naming the field', async (_what, field, send) => {
      const res = await send();
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 400, code: 'invalid_request' });
      expect(firstIssuePath(res)).toBe(field);
    });

    it('stores nothing of a refused request', async () => {
      await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'lost\u0000', body: 'b' }).expect(400);
      expect(await ctx.prisma.supportTicket.count({ where: { subject: { startsWith: 'lost' } } })).toBe(0);
    });
  });

  describe('ids in the path', () => {
    it('answers U+0000 (%00) in an id with invalid_request, on every kind of id', async () => {
      const requests: Array<[string, () => ReturnType<TestGateway['http']['get']>]> = [
        ['webhook', () => ctx.http.get('/v1/webhooks/%00').set(bearer(key))],
        ['webhook change', () => ctx.http.patch('/v1/webhooks/whe_%00').set(bearer(key)).send({ enabled: false })],
        ['delivery', () => ctx.http.get('/v1/webhook-deliveries/%00').set(bearer(key))],
        ['ticket', () => ctx.http.get('/v1/support/tickets/tkt_%00').set(bearer(key))],
        ['channel', () => ctx.http.get('/v1/channels/%00').set(bearer(key))],
        ['media', () => ctx.http.get(`/v1/channels/${channelId}/media/%00`).set(bearer(key))],
        ['message', () => ctx.http.get(`/v1/channels/${channelId}/messages/msg_%00`).set(bearer(key))],
        ['customer', () => ctx.http.get('/v1/admin/customers/%00').set(admin)],
        ['customer change', () => ctx.http.patch('/v1/admin/customers/cus_%00').set(admin).send({ name: 'x' })],
        ['key revocation', () => ctx.http.post('/v1/admin/keys/%00/revoke').set(admin)],
      ];
      for (const [what, send] of requests) {
        const res = await send();
        expect({ what, status: res.status, code: errorCode(res) }).toEqual({ what, status: 400, code: 'invalid_request' });
      }
    });

    it('answers an id of the wrong shape as not found, without asking the database', async () => {
      const requests: Array<[string, () => ReturnType<TestGateway['http']['get']>, number, string]> = [
        ['webhook', () => ctx.http.get('/v1/webhooks/whe_%E2%9C%93').set(bearer(key)), 404, 'webhook_endpoint_not_found'],
        ['delivery', () => ctx.http.get('/v1/webhook-deliveries/%25').set(bearer(key)), 404, 'not_found'],
        ['ticket', () => ctx.http.get('/v1/support/tickets/%27%3B--').set(bearer(key)), 404, 'not_found'],
        ['media', () => ctx.http.get(`/v1/channels/${channelId}/media/med_x`).set(bearer(key)), 404, 'not_found'],
        ['message', () => ctx.http.get(`/v1/channels/${channelId}/messages/%F0%9F%98%80`).set(bearer(key)), 404, 'not_found'],
        ['customer', () => ctx.http.get('/v1/admin/customers/whe_01ARZ3NDEKTSV4RRFFQ69G5FAV').set(admin), 404, 'not_found'],
        ['key revocation', () => ctx.http.post('/v1/admin/keys/cus_01ARZ3NDEKTSV4RRFFQ69G5FAV/revoke').set(admin), 404, 'not_found'],
      ];
      for (const [what, send, status, code] of requests) {
        const res = await send();
        expect({ what, status: res.status, code: errorCode(res) }).toEqual({ what, status, code });
      }
    });

    it('reads chat and contact ids decoded once: a literal % is invalid_request, and %2540 is not an @', async () => {
      const requests: Array<[string, () => ReturnType<TestGateway['http']['get']>]> = [
        ['chat %', () => ctx.http.get(`/v1/channels/${channelId}/chats/%25`).set(bearer(key))],
        ['chat change 100%', () => ctx.http.patch(`/v1/channels/${channelId}/chats/100%25`).set(bearer(key)).send({ pinned: true })],
        ['chat deletion %E0', () => ctx.http.delete(`/v1/channels/${channelId}/chats/%25E0`).set(bearer(key))],
        ['chat %2540', () => ctx.http.get(`/v1/channels/${channelId}/chats/15551234567%2540s.whatsapp.net`).set(bearer(key))],
        ['profile %', () => ctx.http.get(`/v1/channels/${channelId}/contacts/%25/profile`).set(bearer(key))],
        [
          'profile refresh %2540',
          () => ctx.http.post(`/v1/channels/${channelId}/contacts/15551234567%2540s.whatsapp.net/profile`).set(bearer(key)),
        ],
      ];
      for (const [what, send] of requests) {
        const res = await send();
        expect({ what, status: res.status, code: errorCode(res) }).toEqual({ what, status: 400, code: 'invalid_request' });
      }
      // Decoded once, %40 is the @ of a JID: a well-formed chat id that simply has no chat yet.
      expect(
        errorCode(await ctx.http.get(`/v1/channels/${channelId}/chats/15551234567%40s.whatsapp.net`).set(bearer(key)).expect(404)),
      ).toBe('not_found');
    });

    it('keeps the audit record of a call refused for its id', async () => {
      const { key: own } = await ctx.newAccount();
      await ctx.http.post('/v1/webhooks/%00/test').set(bearer(own)).expect(400);
      await ctx.gw.flushAudit();
      const audit = await ctx.http.get('/v1/audit-events').set(bearer(own)).expect(200);
      expect(audit.body.data).toEqual([
        expect.objectContaining({
          action: 'webhook_endpoint.test',
          status_code: 400,
          error_code: 'invalid_request',
          resource: { type: 'webhook_endpoint', id: '\ufffd' },
        }),
      ]);
    });
  });

  describe('cursors', () => {
    const listRoutes = (): Array<[string, { Authorization: string }]> => [
      ['/v1/channels', bearer(key)],
      ['/v1/webhooks', bearer(key)],
      [`/v1/webhooks/${endpointId}/deliveries`, bearer(key)],
      ['/v1/support/tickets', bearer(key)],
      ['/v1/audit-events', bearer(key)],
      ['/v1/messages', bearer(key)],
      [`/v1/channels/${channelId}/messages`, bearer(key)],
      [`/v1/channels/${channelId}/media`, bearer(key)],
      [`/v1/channels/${channelId}/chats`, bearer(key)],
      [`/v1/channels/${channelId}/contacts`, bearer(key)],
      [`/v1/channels/${channelId}/contacts/lids`, bearer(key)],
      ['/v1/admin/customers', admin],
      ['/v1/admin/keys', admin],
    ];

    it.each([
      ['holds U+0000', { b: '\u0000' }],
      ['holds a lone surrogate', { b: '\ud800' }],
      ['is not a string', { b: 7 }],
      ['is empty', {}],
    ])('answers a forged cursor that %s with invalid_request on every list route', async (_what, content) => {
      for (const [path, auth] of listRoutes()) {
        const res = await ctx.http
          .get(path)
          .query({ cursor: forgedCursor(content) })
          .set(auth);
        expect({ path, status: res.status, code: errorCode(res) }).toEqual({ path, status: 400, code: 'invalid_request' });
        expect(firstIssuePath(res)).toBe('cursor');
      }
    });

    it('answers a cursor holding an id of another kind with invalid_request (a channel cursor is a UUID)', async () => {
      for (const [path, auth] of listRoutes()) {
        const res = await ctx.http
          .get(path)
          .query({ cursor: forgedCursor({ b: 'not-an-id-of-this-list' }) })
          .set(auth);
        expect({ path, status: res.status, code: errorCode(res) }).toEqual({ path, status: 400, code: 'invalid_request' });
      }
      const messageIdInChannels = await ctx.http
        .get('/v1/channels')
        .query({ cursor: forgedCursor({ b: 'msg_01ARZ3NDEKTSV4RRFFQ69G5FAV' }) })
        .set(bearer(key));
      expect(errorCode(messageIdInChannels)).toBe('invalid_request');
    });

    it('still pages with the cursors it minted', async () => {
      await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'second' }).expect(201);
      const first = await ctx.http.get('/v1/channels?limit=1').set(bearer(key)).expect(200);
      expect(first.body.has_more).toBe(true);
      const second = await ctx.http.get('/v1/channels').query({ limit: 1, cursor: first.body.next_cursor }).set(bearer(key)).expect(200);
      expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    });
  });
});
