import { createHash } from 'node:crypto';
import { ChannelClient } from '../support/channels';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { SAMPLES, SourceServer } from './source-server';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('Media: storing a media (POST /v1/channels/{id}/media)', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let source: SourceServer;
  let key: string;
  let channelId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    gw = await TestGateway.start(db.prisma, {
      egressAllowedHosts: ['127.0.0.1'],
      media: { maxBytes: 64 * 1024, fetchTimeoutMs: 1_000, urlTtlSeconds: 900, retentionDays: 30, storage: { kind: 'local' } },
    });
    source = await SourceServer.start();
    ({ key } = await gw.newAccount({ plan: 'unlimited' }));
    channelId = await new ChannelClient(gw, key).create();
  });
  afterAll(async () => {
    await gw.close();
    await source.close();
    await db.drop();
  });

  const post = (body: object) => gw.http.post(`/v1/channels/${channelId}/media`).set(bearer(key)).send(body);

  describe('from a source_url', () => {
    it('fetches the file once and returns its id, size, hash and a signed link', async () => {
      const png = SAMPLES.png(1000);
      const url = source.serve('/photo.png', { body: png, headers: { 'Content-Type': 'image/png' } });
      const res = await post({ source_url: url, mime_type: 'image/png' }).expect(201);
      expect(res.body).toEqual({
        media_id: expect.stringMatching(/^med_/),
        channel_id: channelId,
        mime_type: 'image/png',
        kinds: ['image'],
        size: png.length,
        sha256: sha256(png),
        filename: 'photo.png',
        source: 'url',
        in_use: false,
        created_at: expect.any(String),
        expires_at: expect.any(String),
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1\/v1\/media\/med_/),
        url_expires_at: expect.any(String),
      });
      expect(source.hitsOf('/photo.png')).toBe(1);
    });

    it('never fetches again: reading the media and its link uses the stored bytes', async () => {
      const pdf = SAMPLES.pdf(500);
      const url = source.serve('/doc.pdf', { body: pdf });
      const created = await post({ source_url: url, mime_type: 'application/pdf', filename: 'Quarterly report.pdf' }).expect(201);
      const id = created.body.media_id;
      for (let i = 0; i < 3; i += 1) {
        const got = await gw.http.get(`/v1/channels/${channelId}/media/${id}`).set(bearer(key)).expect(200);
        expect(got.body.filename).toBe('Quarterly report.pdf');
        const path = new URL(got.body.url).pathname;
        const bytes = await gw.http
          .get(path)
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          });
        expect(bytes.status).toBe(200);
        expect(Buffer.compare(bytes.body as Buffer, pdf)).toBe(0);
      }
      expect(source.hitsOf('/doc.pdf')).toBe(1);
    });

    it('follows redirects', async () => {
      const jpeg = SAMPLES.jpeg();
      source.serve('/final.jpg', { body: jpeg });
      const url = source.serve('/moved', { status: 302, headers: { Location: '/final.jpg' } });
      const res = await post({ source_url: url, mime_type: 'image/jpeg' }).expect(201);
      expect(res.body.sha256).toBe(sha256(jpeg));
    });

    it('refuses a file over the size limit, declared or not', async () => {
      const big = SAMPLES.pdf(70 * 1024);
      const declared = source.serve('/big.pdf', { body: big });
      const res = await post({ source_url: declared, mime_type: 'application/pdf' }).expect(400);
      expect(errorCode(res)).toBe('invalid_request');
      expect(res.body.error.details).toMatchObject({ reason: 'too_large', max_bytes: 64 * 1024 });

      const undeclared = source.serve('/big-chunked.pdf', { body: big, chunked: true });
      const res2 = await post({ source_url: undeclared, mime_type: 'application/pdf' }).expect(400);
      expect(errorCode(res2)).toBe('invalid_request');
      expect(res2.body.error.details).toMatchObject({ reason: 'too_large' });
    });

    it('refuses bytes that are not the declared type (a PDF declared as image/png)', async () => {
      const url = source.serve('/fake.png', { body: SAMPLES.pdf(), headers: { 'Content-Type': 'image/png' } });
      const res = await post({ source_url: url, mime_type: 'image/png' }).expect(400);
      expect(errorCode(res)).toBe('invalid_request');
      expect(res.body.error.details).toMatchObject({
        reason: 'type_mismatch',
        declared_mime_type: 'image/png',
        detected_mime_type: 'application/pdf',
      });
    });

    it('refuses a type that is not accepted before fetching anything', async () => {
      const url = source.serve('/drawing.svg', { body: Buffer.from('<svg/>') });
      const res = await post({ source_url: url, mime_type: 'image/svg+xml' }).expect(400);
      expect(errorCode(res)).toBe('invalid_request');
      expect(res.body.error.details).toMatchObject({ reason: 'unsupported_type' });
      expect(source.hitsOf('/drawing.svg')).toBe(0);
    });

    it('reports a source that answers with an error status, or too slowly', async () => {
      const res = await post({ source_url: source.url('/missing.png'), mime_type: 'image/png' }).expect(400);
      expect(res.body.error.details).toMatchObject({ reason: 'source_status', status: 404 });
      const slow = source.serve('/slow.png', { body: SAMPLES.png(), delayMs: 3_000 });
      const res2 = await post({ source_url: slow, mime_type: 'image/png' }).expect(400);
      expect(res2.body.error.details).toMatchObject({ reason: 'source_timeout' });
    });

    it.each([
      ['no source_url', { mime_type: 'image/png' }],
      ['a non-http URL', { source_url: 'file:///etc/passwd', mime_type: 'image/png' }],
      ['no mime_type', { source_url: 'https://example.com/a.png' }],
      ['a filename with a slash', { source_url: 'https://example.com/a.png', mime_type: 'image/png', filename: '../a.png' }],
    ])('refuses a body with %s', async (_name, body) => {
      expect(errorCode(await post(body).expect(400))).toBe('invalid_request');
    });
  });

  describe('the egress guard', () => {
    let guarded: TestGateway;
    let guardedKey: string;
    let guardedChannel: string;

    beforeAll(async () => {
      guarded = await TestGateway.start(db.prisma, { egressAllowedHosts: ['localhost'] });
      ({ key: guardedKey } = await guarded.newAccount({ plan: 'unlimited' }));
      guardedChannel = await new ChannelClient(guarded, guardedKey).create();
    });
    afterAll(() => guarded.close());

    const postGuarded = (body: object) => guarded.http.post(`/v1/channels/${guardedChannel}/media`).set(bearer(guardedKey)).send(body);

    it.each([
      ['loopback', () => source.serve('/ssrf.png', { body: SAMPLES.png() })],
      ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
      ['a private address', () => 'http://10.0.0.1/a.png'],
    ])('refuses %s by default, without any request reaching it', async (_name, url) => {
      const before = source.hitsOf('/ssrf.png');
      const res = await postGuarded({ source_url: url(), mime_type: 'image/png' }).expect(400);
      expect(errorCode(res)).toBe('invalid_request');
      expect(res.body.error.details).toMatchObject({ reason: 'egress_refused' });
      expect(source.hitsOf('/ssrf.png')).toBe(before);
    });

    it('refuses a redirect from an allowed host to an internal address', async () => {
      // "localhost" is allowed by name here; the redirect's target, 127.0.0.1, is not.
      source.serve('/target.png', { body: SAMPLES.png() });
      source.serve('/hop', { status: 302, headers: { Location: source.url('/target.png') } });
      const res = await postGuarded({ source_url: `http://localhost:${source.port}/hop`, mime_type: 'image/png' }).expect(400);
      expect(res.body.error.details).toMatchObject({ reason: 'egress_refused' });
      expect(source.hitsOf('/hop')).toBe(1);
      expect(source.hitsOf('/target.png')).toBe(0);
    });
  });

  describe('as a multipart upload', () => {
    it('stores the file part with the declared type and name', async () => {
      const mp4 = SAMPLES.mp4(2000);
      const res = await gw.http
        .post(`/v1/channels/${channelId}/media`)
        .set(bearer(key))
        .field('mime_type', 'video/mp4')
        .attach('file', mp4, { filename: 'clip.mp4', contentType: 'application/octet-stream' })
        .expect(201);
      expect(res.body).toMatchObject({
        mime_type: 'video/mp4',
        kinds: ['video'],
        size: mp4.length,
        sha256: sha256(mp4),
        filename: 'clip.mp4',
        source: 'upload',
      });
    });

    it("takes the part's type when no mime_type is given, and the name field over the part's name", async () => {
      const jpeg = SAMPLES.jpeg();
      const res = await gw.http
        .post(`/v1/channels/${channelId}/media`)
        .set(bearer(key))
        .attach('file', jpeg, { filename: 'a.jpg', contentType: 'image/jpeg' })
        .field('filename', 'holiday.jpg')
        .expect(201);
      expect(res.body).toMatchObject({ mime_type: 'image/jpeg', filename: 'holiday.jpg' });
    });

    it('applies the same checks: type mismatch, size limit, missing file', async () => {
      const mismatch = await gw.http
        .post(`/v1/channels/${channelId}/media`)
        .set(bearer(key))
        .field('mime_type', 'image/png')
        .attach('file', SAMPLES.pdf(), { filename: 'x.png' })
        .expect(400);
      expect(mismatch.body.error.details).toMatchObject({ reason: 'type_mismatch' });

      const big = await gw.http
        .post(`/v1/channels/${channelId}/media`)
        .set(bearer(key))
        .attach('file', SAMPLES.pdf(70 * 1024), { filename: 'big.pdf', contentType: 'application/pdf' })
        .expect(400);
      expect(errorCode(big)).toBe('invalid_request');
      expect(big.body.error.details).toMatchObject({ reason: 'too_large' });

      const none = await gw.http.post(`/v1/channels/${channelId}/media`).set(bearer(key)).field('mime_type', 'image/png').expect(400);
      expect(errorCode(none)).toBe('invalid_request');
    });
  });

  it("holds a customer to its plan's media limit when it is below the gateway's", async () => {
    await gw.http
      .put('/v1/admin/plans/small-media')
      .set(bearer(gw.adminToken))
      .send({ name: 'Small media', channel_limit: 5, rate_limit: { burst: 100, per_second: 10 }, media_max_bytes: 4096 })
      .expect(200);
    const small = await gw.newAccount({ plan: 'small-media' });
    const channel = await new ChannelClient(gw, small.key).create();
    const pdf = SAMPLES.pdf(8 * 1024);
    const upload = await gw.http
      .post(`/v1/channels/${channel}/media`)
      .set(bearer(small.key))
      .attach('file', pdf, { filename: 'a.pdf', contentType: 'application/pdf' })
      .expect(400);
    expect(upload.body.error.details).toMatchObject({ reason: 'too_large', max_bytes: 4096 });
    const url = source.serve('/plan-limit.pdf', { body: pdf });
    const fetched = await gw.http
      .post(`/v1/channels/${channel}/media`)
      .set(bearer(small.key))
      .send({ source_url: url, mime_type: 'application/pdf' })
      .expect(400);
    expect(fetched.body.error.details).toMatchObject({ reason: 'too_large', max_bytes: 4096 });
    await gw.http
      .post(`/v1/channels/${channel}/media`)
      .set(bearer(small.key))
      .attach('file', SAMPLES.pdf(1024), { filename: 'ok.pdf', contentType: 'application/pdf' })
      .expect(201);
  });
});
