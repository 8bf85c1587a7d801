import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MediaService } from '../../src/modules/media/media.service';
import { JOBS } from '../../src/platform/queues/jobs';
import { QUEUES } from '../../src/platform/queues/queue-names';
import { ChannelClient } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { SAMPLES } from './source-server';

/** Every stored object file under DATA_DIR/media/objects. */
function storedObjects(gw: TestGateway): string[] {
  const root = path.join(gw.config.dataDir, 'media', 'objects');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((dir) => fs.readdirSync(path.join(root, dir)));
}

function stagingFiles(gw: TestGateway): string[] {
  const tmp = path.join(gw.config.dataDir, 'media', 'tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
}

describe('Media records: access, listing, deletion, deduplication, retention', () => {
  const ctx = useTestContext();

  async function upload(apiKey: string, channel: string, bytes: Buffer, mimeType = 'image/png') {
    const res = await ctx.http
      .post(`/v1/channels/${channel}/media`)
      .set(bearer(apiKey))
      .field('mime_type', mimeType)
      .attach('file', bytes, { filename: 'f' })
      .expect(201);
    return res.body as { media_id: string; sha256: string; url: string };
  }

  describe('tenant isolation and channel-scoped keys', () => {
    let owner: { customerId: string; key: string };
    let channelA: string;
    let channelB: string;
    let mediaA: string;

    beforeAll(async () => {
      owner = await ctx.gw.newAccount({ plan: 'unlimited' });
      const client = new ChannelClient(ctx.gw, owner.key);
      channelA = await client.create('a');
      channelB = await client.create('b');
      mediaA = (await upload(owner.key, channelA, SAMPLES.png())).media_id;
    });

    const routes = (channel: string, media: string) =>
      [
        [
          'POST media',
          (k: string) =>
            ctx.http
              .post(`/v1/channels/${channel}/media`)
              .set(bearer(k))
              .send({ source_url: 'https://example.com/a.png', mime_type: 'image/png' }),
        ],
        ['GET list', (k: string) => ctx.http.get(`/v1/channels/${channel}/media`).set(bearer(k))],
        ['GET one', (k: string) => ctx.http.get(`/v1/channels/${channel}/media/${media}`).set(bearer(k))],
        ['DELETE', (k: string) => ctx.http.delete(`/v1/channels/${channel}/media/${media}`).set(bearer(k))],
      ] as const;

    it('hides a channel of another customer on every route (channel_not_found)', async () => {
      const stranger = await ctx.gw.newAccount({ plan: 'unlimited' });
      for (const [name, call] of routes(channelA, mediaA)) {
        const res = await call(stranger.key);
        expect({ name, code: errorCode(res), status: res.status }).toEqual({ name, code: 'channel_not_found', status: 404 });
      }
    });

    it('refuses an upload to a channel the key may not use before storing any byte', async () => {
      const stranger = await ctx.gw.newAccount({ plan: 'unlimited' });
      const res = await ctx.http
        .post(`/v1/channels/${channelA}/media`)
        .set(bearer(stranger.key))
        .field('mime_type', 'image/png')
        .attach('file', SAMPLES.png(), { filename: 'x.png' });
      expect(errorCode(res)).toBe('channel_not_found');
      expect(stagingFiles(ctx.gw)).toEqual([]);
    });

    it('refuses a key scoped to another channel on every route (channel_scoped_key)', async () => {
      const scoped = await ctx.gw.newKey({ customerId: owner.customerId, channelId: channelB });
      for (const [name, call] of routes(channelA, mediaA)) {
        const res = await call(scoped.key);
        expect({ name, code: errorCode(res) }).toEqual({ name, code: 'channel_scoped_key' });
      }
      // Its own channel works, but the media of channel A is not there.
      await ctx.http.get(`/v1/channels/${channelB}/media`).set(bearer(scoped.key)).expect(200);
      expect(errorCode(await ctx.http.get(`/v1/channels/${channelB}/media/${mediaA}`).set(bearer(scoped.key)).expect(404))).toBe(
        'not_found',
      );
    });

    it('refuses a live key on a test channel on every route (channel_access_denied)', async () => {
      const live = await ctx.gw.newKey({ customerId: owner.customerId, mode: 'live' });
      for (const [name, call] of routes(channelA, mediaA)) {
        const res = await call(live.key);
        expect({ name, code: errorCode(res) }).toEqual({ name, code: 'channel_access_denied' });
      }
    });

    it('does not find media through another channel of the same customer', async () => {
      expect(errorCode(await ctx.http.get(`/v1/channels/${channelB}/media/${mediaA}`).set(bearer(owner.key)).expect(404))).toBe(
        'not_found',
      );
      expect(errorCode(await ctx.http.delete(`/v1/channels/${channelB}/media/${mediaA}`).set(bearer(owner.key)).expect(404))).toBe(
        'not_found',
      );
      await ctx.http.get(`/v1/channels/${channelA}/media/${mediaA}`).set(bearer(owner.key)).expect(200);
    });
  });

  it('lists the media of a channel newest first, with cursor pagination', async () => {
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const channel = await new ChannelClient(ctx.gw, key).create();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await upload(key, channel, SAMPLES.jpeg(), 'image/jpeg')).media_id);
    const page1 = await ctx.http.get(`/v1/channels/${channel}/media?limit=2`).set(bearer(key)).expect(200);
    expect(page1.body).toMatchObject({ has_more: true, data: [{ media_id: ids[2] }, { media_id: ids[1] }] });
    const page2 = await ctx.http.get(`/v1/channels/${channel}/media?limit=2&cursor=${page1.body.next_cursor}`).set(bearer(key)).expect(200);
    expect(page2.body).toMatchObject({ has_more: false, next_cursor: null, data: [{ media_id: ids[0] }] });
  });

  it('stores equal bytes uploaded concurrently once: one file, two records', async () => {
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const channel = await new ChannelClient(ctx.gw, key).create();
    const bytes = SAMPLES.png(200_000);
    const before = storedObjects(ctx.gw).length;
    const [first, second] = await Promise.all([upload(key, channel, bytes), upload(key, channel, bytes)]);
    expect(first.media_id).not.toBe(second.media_id);
    expect(first.sha256).toBe(second.sha256);
    expect(storedObjects(ctx.gw).length).toBe(before + 1);
    expect(storedObjects(ctx.gw)).toContain(first.sha256);
    expect(stagingFiles(ctx.gw)).toEqual([]);
  });

  it('streams a multi-megabyte upload to disk and keeps only the base name of the part', async () => {
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const channel = await new ChannelClient(ctx.gw, key).create();
    const bytes = SAMPLES.mp4(6 * 1024 * 1024);
    const res = await ctx.http
      .post(`/v1/channels/${channel}/media`)
      .set(bearer(key))
      .attach('file', bytes, { filename: '../../videos/clip.mp4', contentType: 'video/mp4' })
      .expect(201);
    expect(res.body).toMatchObject({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), filename: 'clip.mp4' });
    expect(fs.statSync(path.join(ctx.gw.config.dataDir, 'media', 'objects', res.body.sha256.slice(0, 2), res.body.sha256)).size).toBe(
      bytes.length,
    );
  });

  it('deletes the bytes with the last record that references them', async () => {
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const channel = await new ChannelClient(ctx.gw, key).create();
    const bytes = SAMPLES.pdf(3000);
    const first = await upload(key, channel, bytes, 'application/pdf');
    const second = await upload(key, channel, bytes, 'application/pdf');

    await ctx.http.delete(`/v1/channels/${channel}/media/${first.media_id}`).set(bearer(key)).expect(204);
    expect(storedObjects(ctx.gw)).toContain(first.sha256);
    await ctx.http.get(new URL(second.url).pathname).expect(200);

    await ctx.http.delete(`/v1/channels/${channel}/media/${second.media_id}`).set(bearer(key)).expect(204);
    expect(storedObjects(ctx.gw)).not.toContain(first.sha256);
  });

  it('stores inbound media through the service, deduplicated with uploads, and reads it back', async () => {
    const { customerId, key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const channel = await new ChannelClient(ctx.gw, key).create();
    const bytes = SAMPLES.jpeg(4000);
    const uploaded = await upload(key, channel, bytes, 'image/jpeg');
    const media = ctx.gw.app.get(MediaService);
    const inbound = await media.storeInbound(channel, customerId, bytes, 'image/jpeg', 'photo.jpg');
    expect(inbound).toMatchObject({
      channelId: channel,
      mimeType: 'image/jpeg',
      kinds: ['image'],
      sha256: uploaded.sha256,
      filename: 'photo.jpg',
    });
    expect(storedObjects(ctx.gw).filter((name) => name === uploaded.sha256)).toHaveLength(1);
    const read = await media.readBytes(inbound.id);
    expect(Buffer.compare(read.bytes, bytes)).toBe(0);
    const { url } = media.signedUrl(inbound.id);
    await ctx.http.get(new URL(url).pathname).expect(200);
    const voice = await media.storeInbound(channel, customerId, Buffer.from('OggS\u0000\u0002OpusHead'), 'audio/ogg; codecs=opus');
    expect(voice).toMatchObject({ mimeType: 'audio/ogg', whatsappMimeType: 'audio/ogg; codecs=opus', kinds: ['audio'] });
  });

  it('counts stored, refused and deleted media in /metrics', async () => {
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const channel = await new ChannelClient(ctx.gw, key).create();
    const stored = await upload(key, channel, SAMPLES.png());
    await ctx.http
      .post(`/v1/channels/${channel}/media`)
      .set(bearer(key))
      .field('mime_type', 'image/png')
      .attach('file', SAMPLES.pdf(), { filename: 'x' })
      .expect(400);
    await ctx.http.delete(`/v1/channels/${channel}/media/${stored.media_id}`).set(bearer(key)).expect(204);
    const metrics = (await ctx.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^media_stored_total\{source="upload"\} [1-9]/m);
    expect(metrics).toMatch(/^media_refused_total\{reason="type_mismatch"\} [1-9]/m);
    expect(metrics).toMatch(/^media_deleted_total\{cause="api"\} [1-9]/m);
  });

  describe('retention', () => {
    it('is scheduled as a repeatable job on the maintenance queue', async () => {
      const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.maintenance));
      const scheduler = await queue.getJobScheduler(JOBS.mediaRetention.schedulerId);
      expect(scheduler).toMatchObject({ name: JOBS.mediaRetention.name });
    });

    it('deletes old media no message used, keeps used and recent media and bytes still referenced', async () => {
      const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
      const channel = await new ChannelClient(ctx.gw, key).create();
      const shared = SAMPLES.png(1000);
      const oldUnused = await upload(key, channel, SAMPLES.png(1000));
      const oldUsed = await upload(key, channel, SAMPLES.png(1000));
      const recent = await upload(key, channel, SAMPLES.png(1000));
      const oldSharing = await upload(key, channel, shared);
      const usedSharing = await upload(key, channel, shared);
      expect(await ctx.gw.app.get(MediaService).markUsed(oldUsed.media_id)).toBe(true);
      expect(await ctx.gw.app.get(MediaService).markUsed(usedSharing.media_id)).toBe(true);
      const longAgo = new Date(Date.now() - 31 * 86_400_000);
      await ctx.gw.prisma.media.updateMany({
        where: { id: { in: [oldUnused.media_id, oldUsed.media_id, oldSharing.media_id, usedSharing.media_id] } },
        data: { createdAt: longAgo },
      });

      const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.maintenance));
      const job = await queue.add(JOBS.mediaRetention.name, {});
      await eventually(
        () => job.getState(),
        (state) => state === 'completed' || state === 'failed',
        10_000,
      );
      expect(await job.getState()).toBe('completed');

      const status = async (id: string) => (await ctx.http.get(`/v1/channels/${channel}/media/${id}`).set(bearer(key))).status;
      expect(await status(oldUnused.media_id)).toBe(404);
      expect(await status(oldSharing.media_id)).toBe(404);
      expect(await status(oldUsed.media_id)).toBe(200);
      expect(await status(recent.media_id)).toBe(200);
      expect(await status(usedSharing.media_id)).toBe(200);
      expect(storedObjects(ctx.gw)).not.toContain(oldUnused.sha256);
      expect(storedObjects(ctx.gw)).toContain(usedSharing.sha256);
      expect(errorCode(await ctx.http.get(new URL(oldUnused.url).pathname).expect(410))).toBe('media_gone');

      // Running again (as another process would) changes nothing.
      expect(await ctx.gw.app.get(MediaService).sweepRetention()).toBe(0);
    });
  });
});
