import { ChannelClient } from '../support/channels';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { FAKE_S3_CREDENTIALS, FakeS3 } from './fake-s3';
import { SAMPLES } from './source-server';

describe('Media on S3-compatible storage (an in-process fake server)', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  const s3 = new FakeS3();

  beforeAll(async () => {
    db = await createTestDatabase();
    const endpoint = await s3.start();
    gw = await TestGateway.start(db.prisma, {
      media: {
        maxBytes: 1024 * 1024,
        fetchTimeoutMs: 1_000,
        urlTtlSeconds: 900,
        retentionDays: 30,
        storage: { kind: 's3', endpoint, bucket: 'wiu', forcePathStyle: true, prefix: 'media/', ...FAKE_S3_CREDENTIALS },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await s3.close();
    await db.drop();
  });

  it('stores once in the bucket, serves whole and ranges, deletes with the last record', async () => {
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const channel = await new ChannelClient(gw, key).create();
    const bytes = SAMPLES.jpeg(3000);
    const upload = () =>
      gw.http
        .post(`/v1/channels/${channel}/media`)
        .set(bearer(key))
        .field('mime_type', 'image/jpeg')
        .attach('file', bytes, { filename: 'a.jpg' })
        .expect(201);
    const [first, second] = await Promise.all([upload(), upload()]);
    const objectKey = `/wiu/media/${first.body.sha256}`;
    expect([...s3.objects.keys()]).toEqual([objectKey]);

    const path = new URL(first.body.url).pathname;
    const whole = await gw.http
      .get(path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(whole.status).toBe(200);
    expect(Buffer.compare(whole.body as Buffer, bytes)).toBe(0);
    const part = await gw.http.get(path).set('Range', 'bytes=0-2').expect(206);
    expect(part.headers['content-range']).toBe(`bytes 0-2/${bytes.length}`);

    await gw.http.delete(`/v1/channels/${channel}/media/${first.body.media_id}`).set(bearer(key)).expect(204);
    expect(s3.objects.has(objectKey)).toBe(true);
    await gw.http.delete(`/v1/channels/${channel}/media/${second.body.media_id}`).set(bearer(key)).expect(204);
    expect(s3.objects.has(objectKey)).toBe(false);
    expect(errorCode(await gw.http.get(new URL(second.body.url).pathname).expect(410))).toBe('media_gone');
  });
});
