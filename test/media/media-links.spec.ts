import type { Response } from 'supertest';
import { ChannelClient } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { SAMPLES } from './source-server';

/** supertest collects unknown content types as text; media must be compared as bytes. */
function binary(res: Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('Media: signed public links (GET /v1/media/{token})', () => {
  const ctx = useTestContext();
  let key: string;
  let channelId: string;

  beforeAll(async () => {
    ({ key, id: channelId } = await ctx.newChannel());
  });

  async function upload(gateway: TestGateway, apiKey: string, channel: string, bytes: Buffer, mimeType: string, filename: string) {
    const res = await gateway.http
      .post(`/v1/channels/${channel}/media`)
      .set(bearer(apiKey))
      .field('mime_type', mimeType)
      .field('filename', filename)
      .attach('file', bytes, { filename })
      .expect(201);
    return { id: res.body.media_id as string, path: new URL(res.body.url).pathname, body: res.body };
  }

  const fetchPath = (gateway: TestGateway, path: string, headers: Record<string, string> = {}) =>
    gateway.http.get(path).set(headers).buffer(true).parse(binary);

  it('serves the exact bytes with type, length, ETag, caching and disposition headers, without an API key', async () => {
    const png = SAMPLES.png(5000);
    const media = await upload(ctx.gw, key, channelId, png, 'image/png', 'café.png');
    const res = await fetchPath(ctx.gw, media.path).expect(200);
    expect(Buffer.compare(res.body as Buffer, png)).toBe(0);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-length']).toBe(String(png.length));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers.etag).toBe(`"${media.body.sha256}"`);
    expect(res.headers['content-disposition']).toBe(`inline; filename="caf_.png"; filename*=UTF-8''caf%C3%A9.png`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(res.headers['cache-control'])?.[1]);
    expect(maxAge).toBeGreaterThan(800);
    expect(maxAge).toBeLessThanOrEqual(900);

    await ctx.http.get(media.path).set('If-None-Match', `"${media.body.sha256}"`).expect(304);

    const head = await ctx.http.head(media.path).expect(200);
    expect(head.headers['content-length']).toBe(String(png.length));
    expect(head.headers['content-type']).toBe('image/png');
  });

  it('serves documents as attachments', async () => {
    const media = await upload(ctx.gw, key, channelId, Buffer.from('name,count\na,1\n'), 'text/csv', 'data.csv');
    const res = await fetchPath(ctx.gw, media.path).expect(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="data.csv"');
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
  });

  it('answers Range requests with 206 and Content-Range, and 416 past the end', async () => {
    const mp4 = SAMPLES.mp4(10_000);
    const media = await upload(ctx.gw, key, channelId, mp4, 'video/mp4', 'clip.mp4');

    const first = await fetchPath(ctx.gw, media.path, { Range: 'bytes=0-99' }).expect(206);
    expect(first.headers['content-range']).toBe(`bytes 0-99/${mp4.length}`);
    expect(first.headers['content-length']).toBe('100');
    expect(Buffer.compare(first.body as Buffer, mp4.subarray(0, 100))).toBe(0);

    const tail = await fetchPath(ctx.gw, media.path, { Range: 'bytes=-10' }).expect(206);
    expect(Buffer.compare(tail.body as Buffer, mp4.subarray(mp4.length - 10))).toBe(0);

    const open = await fetchPath(ctx.gw, media.path, { Range: `bytes=${mp4.length - 5}-` }).expect(206);
    expect(open.headers['content-range']).toBe(`bytes ${mp4.length - 5}-${mp4.length - 1}/${mp4.length}`);

    const past = await ctx.http.get(media.path).set('Range', `bytes=${mp4.length}-`).expect(416);
    expect(errorCode(past)).toBe('invalid_request');
    expect(past.headers['content-range']).toBe(`bytes */${mp4.length}`);

    const whole = await fetchPath(ctx.gw, media.path).expect(200);
    expect(Buffer.compare(whole.body as Buffer, mp4)).toBe(0);
  });

  it('answers media_gone to a tampered or malformed token', async () => {
    const media = await upload(ctx.gw, key, channelId, SAMPLES.jpeg(), 'image/jpeg', 'a.jpg');
    const [, , , token] = media.path.split('/');
    const [id, expiry, signature] = token.split('.');
    const tampered = [
      `${id}.${Number(expiry) + 86_400}.${signature}`,
      `${id}.${expiry}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`,
      `${id}.${expiry}`,
      'nonsense',
    ];
    for (const bad of tampered) {
      expect(errorCode(await ctx.http.get(`/v1/media/${bad}`).expect(410))).toBe('media_gone');
    }
  });

  it('answers media_gone once the link expired (short lifetime)', async () => {
    const shortLived = await TestGateway.start(ctx.prisma, {
      media: { maxBytes: 1024 * 1024, fetchTimeoutMs: 1_000, urlTtlSeconds: 2, retentionDays: 30, storage: { kind: 'local' } },
    });
    try {
      const account = await shortLived.newAccount({ plan: 'unlimited' });
      const channel = await new ChannelClient(shortLived, account.key).create();
      const media = await upload(shortLived, account.key, channel, SAMPLES.png(), 'image/png', 'p.png');
      await shortLived.http.get(media.path).expect(200);
      const gone = await eventually(
        () => shortLived.http.get(media.path),
        (res) => res.status !== 200,
        5_000,
      );
      expect(gone.status).toBe(410);
      expect(errorCode(gone)).toBe('media_gone');
      // A fresh link works again.
      const fresh = await shortLived.http.get(`/v1/channels/${channel}/media/${media.id}`).set(bearer(account.key)).expect(200);
      await shortLived.http.get(new URL(fresh.body.url).pathname).expect(200);
    } finally {
      await shortLived.close();
    }
  });

  it('answers media_gone once the media is deleted', async () => {
    const media = await upload(ctx.gw, key, channelId, SAMPLES.pdf(), 'application/pdf', 'x.pdf');
    await ctx.http.get(media.path).expect(200);
    await ctx.http.delete(`/v1/channels/${channelId}/media/${media.id}`).set(bearer(key)).expect(204);
    expect(errorCode(await ctx.http.get(media.path).expect(410))).toBe('media_gone');
    expect(errorCode(await ctx.http.get(`/v1/channels/${channelId}/media/${media.id}`).set(bearer(key)).expect(404))).toBe('not_found');
  });
});
