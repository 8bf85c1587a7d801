import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { SourceServer } from '../media/source-server';
import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { newslettersOf } from './support/newsletters';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Media posts and pictures (uploaded unencrypted, as WhatsApp carries newsletters'), and one channel's newsletters kept from another's. */
describe('Newsletter media and isolation', () => {
  const ctx = useTestContext(() => ({ egressAllowedHosts: ['127.0.0.1'] }));
  let source: SourceServer;

  beforeAll(async () => {
    source = await SourceServer.start();
  });
  afterAll(async () => {
    await source.close();
  });

  async function upload(channel: TestChannel, path: string, body: Buffer, mime: string): Promise<string> {
    const url = source.serve(path, { body, headers: { 'Content-Type': mime } });
    const res = await channel.http
      .post(`/v1/channels/${channel.id}/media`)
      .set(bearer(channel.key))
      .send({ source_url: url, mime_type: mime })
      .expect(201);
    return res.body.media_id ?? res.body.id;
  }

  it('posts an image with its caption: the follower gets the exact bytes; the newsletter gets a picture', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#36a' } })
      .png()
      .toBuffer();
    const mediaId = await upload(channel, '/post.png', png, 'image/png');
    const created = await api.post('', { name: 'Pictures', picture: { media_id: mediaId } }).expect(201);
    expect(created.body.has_picture).toBe(true);
    expect(ctx.simulator.newsletter(created.body.id)!.pictureUrl).toEqual(expect.any(String));

    const fan = newPhone();
    ctx.simulator.createPhone(digits(fan));
    ctx.simulator.followNewsletter(digits(fan), created.body.id);
    const sent = await api
      .post(`/${created.body.id}/messages`, { type: 'image', image: { media_id: mediaId, caption: 'Blue' } })
      .expect(202);
    const { wa_message_id: waId } = await eventually(
      () => channel.message(sent.body.message_id),
      (m) => m.status === 'sent',
    );
    const received = await ctx.simulator.waitForMessage(digits(fan), (m) => m.id === waId);
    expect(received.content).toMatchObject({ type: 'image', caption: 'Blue', mimetype: 'image/png' });
    expect(sha256((received.content as { data: Buffer }).data)).toBe(sha256(png));

    const listed = await api.get(`/${created.body.id}/messages`).expect(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ type: 'image', text: 'Blue' })]);

    expect((await api.patch(`/${created.body.id}`, { picture: null }).expect(200)).body.has_picture).toBe(false);
  });

  it('sets a picture from a source_url, and refuses a picture that is not an image before asking WhatsApp', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const { id } = (await api.post('', { name: 'Faces' }).expect(201)).body;
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#a63' } })
      .png()
      .toBuffer();
    // the source says it is text: the bytes, not the Content-Type, say what a picture is
    const url = source.serve('/face', { body: png, headers: { 'Content-Type': 'text/plain' } });
    expect((await api.patch(`/${id}`, { picture: { source_url: url } }).expect(200)).body.has_picture).toBe(true);
    const held = ctx.simulator.newsletter(id)!.pictureUrl;
    expect(held).toEqual(expect.any(String));

    const note = await upload(channel, '/note.pdf', Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf');
    const notImage = source.serve('/not-an-image', { body: Buffer.from('just words'), headers: { 'Content-Type': 'image/png' } });
    const refusals = [
      [{ media_id: note }, ['picture', 'media_id']],
      [{ media_id: 'med_00000000000000000000000000' }, ['picture', 'media_id']],
      [{ source_url: notImage }, ['picture', 'source_url']],
    ] as const;
    for (const [picture, path] of refusals) {
      const res = await api.patch(`/${id}`, { picture }).expect(400);
      expect([res.body.error.code, res.body.error.details.issues[0].path]).toEqual(['invalid_request', path]);
    }
    expect(ctx.simulator.newsletter(id)!.pictureUrl).toBe(held);
  });

  it('keeps each channel’s newsletters its own, and a scoped key to its channel', async () => {
    const first = await ctx.newChannel({ paired: true });
    const second = await ctx.newChannel({ paired: true, account: { key: first.key, customerId: first.customerId }, name: 'second' });
    const { id } = (await newslettersOf(first).post('', { name: 'First only' }).expect(201)).body;
    expect((await newslettersOf(first).get('').expect(200)).body.data.map((n: { id: string }) => n.id)).toEqual([id]);
    expect((await newslettersOf(second).get('').expect(200)).body.data).toEqual([]);
    // the second account sees it as anyone would, as a guest, and may not change it
    expect((await newslettersOf(second).get(`/${id}`).expect(200)).body.role).toBe('guest');
    await newslettersOf(second).patch(`/${id}`, { name: 'Taken' }).expect(403);

    const scoped = await ctx.gw.newKey({ customerId: first.customerId, channelId: second.id });
    await newslettersOf(second, scoped.key).get('').expect(200);
    await newslettersOf(first, scoped.key).get(`/${id}`).expect(403);
    await newslettersOf(first, scoped.key).post(`/${id}/messages`, { type: 'text', text: 'x' }).expect(403);
    expect(ctx.simulator.newsletter(id)!.posts).toEqual([]);
  });
});
