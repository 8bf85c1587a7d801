import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

describe('The error envelope', () => {
  const ctx = useTestContext();
  let key: string;

  beforeAll(async () => {
    ({ key } = await ctx.newAccount());
  });

  it('answers an unknown route with not_found', async () => {
    const res = await ctx.http.get('/v1/does-not-exist').set(bearer(key)).expect(404);
    expect(errorCode(res)).toBe('not_found');
  });

  it('answers a wrong method with 405, the allowed methods and an Allow header', async () => {
    const res = await ctx.http.delete('/v1/limits').set(bearer(key)).expect(405);
    expect(errorCode(res)).toBe('method_not_allowed');
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.error.details.allowed_methods).toEqual(['GET', 'HEAD']);
  });

  it('answers malformed JSON with bad_request', async () => {
    const res = await ctx.http
      .post('/v1/support/tickets')
      .set(bearer(key))
      .set('Content-Type', 'application/json')
      .send('{"subject": "unterminated')
      .expect(400);
    expect(errorCode(res)).toBe('bad_request');
  });

  it('answers a body over the size limit with 413', async () => {
    const res = await ctx.http
      .post('/v1/support/tickets')
      .set(bearer(key))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ subject: 's', body: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(errorCode(res)).toBe('bad_request');
    expect(res.body.error.details.limit_bytes).toBe(1024 * 1024);
  });

  it('answers a validation failure with invalid_request and the zod issues', async () => {
    const res = await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: '', extra: 1 }).expect(400);
    expect(errorCode(res)).toBe('invalid_request');
    const paths = res.body.error.details.issues.map((i: { path: string[] }) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['subject', 'body']));
  });

  it('answers an invalid query parameter with invalid_request', async () => {
    const res = await ctx.http.get('/v1/support/tickets?limit=500').set(bearer(key)).expect(400);
    expect(errorCode(res)).toBe('invalid_request');
    expect(errorCode(await ctx.http.get('/v1/support/tickets?cursor=garbage').set(bearer(key)).expect(400))).toBe('invalid_request');
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const sane = await ctx.http.get('/v1/limits').set(bearer(key)).set('X-Request-Id', 'client-req-12345').expect(200);
    expect(sane.headers['x-request-id']).toBe('client-req-12345');
    const unsafe = await ctx.http.get('/nope').set('X-Request-Id', 'bad id with spaces <script>').expect(404);
    expect(unsafe.headers['x-request-id']).toMatch(/^req_[0-9A-Z]{26}$/);
    expect(unsafe.body.request_id).toBe(unsafe.headers['x-request-id']);
  });

  it('answers an unexpected failure with internal_error and no stack trace', async () => {
    await ctx.prisma.$executeRawUnsafe('ALTER TABLE support_tickets RENAME TO support_tickets_gone');
    try {
      const res = await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(500);
      expect(errorCode(res)).toBe('internal_error');
      expect(JSON.stringify(res.body)).not.toMatch(/support_tickets|at \w+ \(/);
    } finally {
      await ctx.prisma.$executeRawUnsafe('ALTER TABLE support_tickets_gone RENAME TO support_tickets');
    }
  });
});
