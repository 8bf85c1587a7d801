import type { Response } from 'supertest';
import { ChannelClient } from '../support/channels';
import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

function firstIssuePath(res: Response): string {
  return (res.body.error.details.issues as Array<{ path: Array<string | number> }>)[0].path.join('.');
}

/** supertest collects unknown content types as text; media must be compared as bytes. */
function binary(res: Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('HTTP at the edges: conditional reads, body types, methods and query parameters', () => {
  const ctx = useTestContext();
  let key: string;
  let channelId: string;

  beforeAll(async () => {
    ({ key } = await ctx.newAccount({ plan: 'unlimited' }));
    channelId = await new ChannelClient(ctx.gw, key).create('edges');
  });

  describe('If-None-Match', () => {
    it('answers a JSON read with If-None-Match: * in full (200 and the body), never an empty 304', async () => {
      for (const path of [`/v1/channels/${channelId}`, '/v1/channels', '/v1/limits']) {
        const res = await ctx.http.get(path).set(bearer(key)).set('If-None-Match', '*');
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect(Object.keys(res.body).length).toBeGreaterThan(0);
      }
    });

    it('still answers 304 to the ETag of the current representation', async () => {
      const first = await ctx.http.get(`/v1/channels/${channelId}`).set(bearer(key)).expect(200);
      expect(first.headers.etag).toEqual(expect.any(String));
      await ctx.http.get(`/v1/channels/${channelId}`).set(bearer(key)).set('If-None-Match', first.headers.etag).expect(304);
      await ctx.http.get(`/v1/channels/${channelId}`).set(bearer(key)).set('If-None-Match', '"something-else"').expect(200);
    });

    it('serves a media link in full for *, and 304 for its ETag, strong or weak', async () => {
      const bytes = Buffer.from('name,count\na,1\n');
      const created = await ctx.http
        .post(`/v1/channels/${channelId}/media`)
        .set(bearer(key))
        .field('mime_type', 'text/csv')
        .field('filename', 'data.csv')
        .attach('file', bytes, { filename: 'data.csv' })
        .expect(201);
      const path = new URL(created.body.url).pathname;
      const etag = `"${created.body.sha256}"`;
      const any = await ctx.http.get(path).set('If-None-Match', '*').buffer(true).parse(binary).expect(200);
      expect(Buffer.compare(any.body as Buffer, bytes)).toBe(0);
      await ctx.http.head(path).set('If-None-Match', '*').expect(200);
      await ctx.http.get(path).set('If-None-Match', etag).expect(304);
      await ctx.http.get(path).set('If-None-Match', `"other", W/${etag}`).expect(304);
    });
  });

  describe('body types', () => {
    it.each([
      ['text/plain', 'subject=s&body=b'],
      ['application/x-www-form-urlencoded', 'subject=s&body=b'],
      ['application/xml', '<ticket/>'],
    ])('answers a %s body to a JSON route with 415 unsupported_media_type', async (type, body) => {
      const res = await ctx.http.post('/v1/support/tickets').set(bearer(key)).set('Content-Type', type).send(body);
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 415, code: 'unsupported_media_type' });
      expect(res.body.error.details.accepted).toEqual(expect.arrayContaining(['application/json']));
    });

    it("audits a call refused for its body type under the route's action", async () => {
      const { key: own } = await ctx.newAccount();
      await ctx.http.post('/v1/support/tickets').set(bearer(own)).set('Content-Type', 'text/plain').send('hello').expect(415);
      await ctx.gw.flushAudit();
      const audit = await ctx.http.get('/v1/audit-events').set(bearer(own)).expect(200);
      expect(audit.body.data).toEqual([
        expect.objectContaining({ action: 'support_ticket.create', status_code: 415, error_code: 'unsupported_media_type' }),
      ]);
    });

    it('refuses a body it cannot read before looking up what the request names, and after the credentials (docs/errors.md)', async () => {
      const form = (path: string) => ctx.http.post(path).set('Content-Type', 'application/x-www-form-urlencoded').send('to=1&text=hi');
      const unknownChannel = '/v1/channels/ch_00000000000000000000000000/messages';
      const refused = await form(unknownChannel).set(bearer(key));
      expect({ status: refused.status, code: errorCode(refused) }).toEqual({ status: 415, code: 'unsupported_media_type' });
      // the same body to a channel that exists: the same answer, so it says nothing about which channels exist
      const known = await form(`/v1/channels/${channelId}/messages`).set(bearer(key));
      expect({ status: known.status, code: errorCode(known) }).toEqual({ status: 415, code: 'unsupported_media_type' });
      const anonymous = await form(unknownChannel);
      expect(anonymous.status).toBe(401);
      // and a query parameter on a route that reads none, before the channel too
      const query = await ctx.http.get('/v1/channels/ch_00000000000000000000000000?expand=x').set(bearer(key));
      expect({ status: query.status, code: errorCode(query) }).toEqual({ status: 400, code: 'invalid_request' });
    });

    it('answers JSON in a charset other than UTF-8 with 415 unsupported_media_type', async () => {
      const res = await ctx.http
        .post('/v1/support/tickets')
        .set(bearer(key))
        .set('Content-Type', 'application/json; charset=iso-8859-2')
        .send(JSON.stringify({ subject: 's', body: 'b' }));
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 415, code: 'unsupported_media_type' });
    });

    it('answers a multipart body to a route that only reads JSON with 415', async () => {
      const res = await ctx.http.post('/v1/support/tickets').set(bearer(key)).field('subject', 's').field('body', 'b');
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 415, code: 'unsupported_media_type' });
    });

    it('reads JSON, JSON with a charset and +json types', async () => {
      await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 's', body: 'b' }).expect(201);
      await ctx.http
        .post('/v1/support/tickets')
        .set(bearer(key))
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ subject: 's', body: 'b' }))
        .expect(201);
      await ctx.http
        .patch(`/v1/channels/${channelId}`)
        .set(bearer(key))
        .set('Content-Type', 'application/merge-patch+json')
        .send(JSON.stringify({ name: 'renamed' }))
        .expect(200);
    });

    it('reads a request without a body as {}, whatever its Content-Type says', async () => {
      const bare = await ctx.http.post('/v1/support/tickets').set(bearer(key));
      expect({ status: bare.status, code: errorCode(bare) }).toEqual({ status: 400, code: 'invalid_request' });
      const empty = await ctx.http.post('/v1/support/tickets').set(bearer(key)).set('Content-Type', 'text/plain').send('');
      expect({ status: empty.status, code: errorCode(empty) }).toEqual({ status: 400, code: 'invalid_request' });
    });

    it('keeps multipart uploads on the media route', async () => {
      await ctx.http
        .post(`/v1/channels/${channelId}/media`)
        .set(bearer(key))
        .field('mime_type', 'text/plain')
        .attach('file', Buffer.from('hello'), { filename: 'hello.txt' })
        .expect(201);
    });
  });

  describe('methods', () => {
    it('answers a wrong method with 405 method_not_allowed and an Allow header', async () => {
      const res = await ctx.http.put(`/v1/channels/${channelId}`).set(bearer(key)).send({});
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 405, code: 'method_not_allowed' });
      expect(res.headers.allow).toBe(res.body.error.details.allowed_methods.join(', '));
      expect(res.body.error.details.allowed_methods).toEqual(expect.arrayContaining(['GET', 'PATCH', 'DELETE']));
    });
  });

  describe('query parameters', () => {
    it.each([
      ['/v1/channels?limti=5', 'limti'],
      ['/v1/messages?type[]=text', 'type[]'],
      ['/v1/messages?type%5B%5D=text', 'type[]'],
      ['/v1/support/tickets?limit=5&sort=asc', 'sort'],
      ['/v1/audit-events?filter[action]=x', 'filter[action]'],
    ])('refuses %s with invalid_request naming %s', async (path, name) => {
      const res = await ctx.http.get(path).set(bearer(key));
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 400, code: 'invalid_request' });
      expect(firstIssuePath(res)).toBe(name);
    });

    it('refuses any query parameter on a route that reads none', async () => {
      for (const path of [`/v1/channels/${channelId}?expand=owner`, '/v1/limits?verbose=1', `/v1/channels/${channelId}/status?type[]=x`]) {
        const res = await ctx.http.get(path).set(bearer(key));
        expect({ path, status: res.status, code: errorCode(res) }).toEqual({ path, status: 400, code: 'invalid_request' });
      }
      const posted = await ctx.http.post('/v1/support/tickets?priority=high').set(bearer(key)).send({ subject: 's', body: 'b' });
      expect({ status: posted.status, code: errorCode(posted), name: firstIssuePath(posted) }).toEqual({
        status: 400,
        code: 'invalid_request',
        name: 'priority',
      });
      await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    });

    it('refuses a scalar parameter given twice', async () => {
      for (const path of ['/v1/messages?type=text&type=image', '/v1/channels?limit=5&limit=6']) {
        const res = await ctx.http.get(path).set(bearer(key));
        expect({ path, status: res.status, code: errorCode(res) }).toEqual({ path, status: 400, code: 'invalid_request' });
      }
    });

    it('accepts the parameters the routes document', async () => {
      const paths = [
        '/v1/channels?limit=5&include_deleted=true',
        '/v1/messages?limit=5&direction=inbound&type=text&status=received&chat=15551234567',
        `/v1/channels/${channelId}/messages?since=2020-01-01T00:00:00.000Z&until=2999-01-01T00:00:00.000Z`,
        `/v1/channels/${channelId}/chats?archived=true&pinned=false&limit=3`,
        `/v1/channels/${channelId}/media?limit=1`,
        '/v1/support/tickets?limit=100',
        '/v1/audit-events?limit=1',
        '/v1/webhooks?limit=2',
      ];
      for (const path of paths) {
        const res = await ctx.http.get(path).set(bearer(key));
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
    });
  });

  describe('limit', () => {
    it.each(['0x10', '1e2', '1.0', '+5', ' 5', '', '0', '101'])('refuses limit=%s with invalid_request on limit', async (limit) => {
      const res = await ctx.http.get(`/v1/channels?limit=${encodeURIComponent(limit)}`).set(bearer(key));
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 400, code: 'invalid_request' });
      expect(firstIssuePath(res)).toBe('limit');
    });

    it('reads decimal digits, and 20 when absent', async () => {
      for (const limit of ['1', '05', '100']) await ctx.http.get(`/v1/support/tickets?limit=${limit}`).set(bearer(key)).expect(200);
      await ctx.http.get('/v1/channels').set(bearer(key)).expect(200);
    });
  });
});
