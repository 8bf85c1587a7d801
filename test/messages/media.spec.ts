import { createHash } from 'node:crypto';
import { bearer, errorCode } from '../support/http';
import { eventually } from '../support/eventually';
import { testConfig } from '../support/gateway';
import { pseudoRandom, SAMPLES, SourceServer } from '../media/source-server';
import { digits, newPhone } from '../support/phones';
import { useTestContext } from '../support/context';
import type { TestChannel } from '../support/channels';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const ogg = () => Buffer.concat([Buffer.from('OggS', 'latin1'), pseudoRandom(300)]);
const webp = () =>
  Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from([0, 1, 0, 0]), Buffer.from('WEBPVP8 ', 'latin1'), pseudoRandom(300)]);

describe('Media messages', () => {
  const ctx = useTestContext(() => ({ egressAllowedHosts: ['127.0.0.1'], media: { ...testConfig().media, maxBytes: 1024 * 1024 } }));
  let source: SourceServer;
  let channel: TestChannel;
  let contact: string;
  beforeAll(async () => {
    source = await SourceServer.start();
    channel = await ctx.newChannel({ paired: true });
    contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Mia' });
  });
  afterAll(async () => {
    await source.close();
  });

  async function upload(path: string, body: Buffer, mime: string): Promise<string> {
    const url = source.serve(path, { body, headers: { 'Content-Type': mime } });
    const res = await channel.http
      .post(`/v1/channels/${channel.id}/media`)
      .set(bearer(channel.key))
      .send({ source_url: url, mime_type: mime })
      .expect(201);
    return res.body.media_id ?? res.body.id;
  }

  async function sendAndReceive(body: Record<string, unknown>) {
    const res = await channel.send({ to: contact, ...body });
    const row = await eventually(
      () => channel.message(res.body.message_id),
      (m) => m.status !== 'queued' && m.status !== 'sending',
    );
    expect(row.status).not.toBe('failed');
    return (await ctx.simulator.waitForMessage(digits(contact), (m) => m.id === row.wa_message_id)).content as Record<string, unknown>;
  }

  it('sends image, video, audio (voice note) and sticker by media_id, with the exact bytes', async () => {
    const png = SAMPLES.png();
    const image = await sendAndReceive({
      type: 'image',
      image: { media_id: await upload('/a.png', png, 'image/png'), caption: 'a picture' },
    });
    expect(image).toMatchObject({ type: 'image', caption: 'a picture', mimetype: 'image/png' });
    expect(sha256(image.data as Buffer)).toBe(sha256(png));

    const mp4 = SAMPLES.mp4();
    const video = await sendAndReceive({ type: 'video', video: { media_id: await upload('/v.mp4', mp4, 'video/mp4') } });
    expect(video).toMatchObject({ type: 'video' });
    expect(sha256(video.data as Buffer)).toBe(sha256(mp4));

    const voice = ogg();
    const audio = await sendAndReceive({ type: 'audio', audio: { media_id: await upload('/n.ogg', voice, 'audio/ogg'), voice: true } });
    expect(audio).toMatchObject({ type: 'audio', ptt: true });
    expect(sha256(audio.data as Buffer)).toBe(sha256(voice));

    const sticker = webp();
    const got = await sendAndReceive({ type: 'sticker', sticker: { media_id: await upload('/s.webp', sticker, 'image/webp') } });
    expect(got).toMatchObject({ type: 'sticker' });
    expect(sha256(got.data as Buffer)).toBe(sha256(sticker));
  });

  it('sends a document from a source_url, with its file name', async () => {
    const pdf = SAMPLES.pdf();
    const url = source.serve('/report.pdf', { body: pdf, headers: { 'Content-Type': 'application/pdf' } });
    const doc = await sendAndReceive({ type: 'document', document: { source_url: url, filename: 'report.pdf', caption: 'Q3' } });
    expect(doc).toMatchObject({ type: 'document', fileName: 'report.pdf', mimetype: 'application/pdf' });
    expect(sha256(doc.data as Buffer)).toBe(sha256(pdf));
  });

  it('refuses an unknown media_id or one of the wrong kind, naming the field', async () => {
    const unknown = await channel.send({ type: 'image', to: contact, image: { media_id: 'med_unknown' } }, 400);
    expect(errorCode(unknown)).toBe('invalid_request');
    expect(unknown.body.error.details.issues[0].path).toEqual(['image', 'media_id']);
    const pdfId = await upload('/b.pdf', SAMPLES.pdf(), 'application/pdf');
    const wrong = await channel.send({ type: 'sticker', to: contact, sticker: { media_id: pdfId } }, 400);
    expect(wrong.body.error.details.issues[0].path).toEqual(['sticker', 'media_id']);
  });

  it('fails a send whose source_url cannot be fetched, with the reason', async () => {
    const res = await channel.send({ type: 'image', to: contact, image: { source_url: source.url('/missing.png') } });
    const failed = await channel.waitForStatus(res.body.message_id, 'failed');
    expect(failed.failure_reason).toMatch(/404/);
    expect((await channel.events('message.failed')).map((p) => p.message_id)).toContain(res.body.message_id);
  });

  it('sends a source_url through its redirects, as POST /media fetches it', async () => {
    const pdf = SAMPLES.pdf();
    source.serve('/moved.pdf', { body: pdf, headers: { 'Content-Type': 'application/pdf' } });
    const url = source.serve('/old.pdf', { status: 302, headers: { Location: source.url('/moved.pdf') } });
    const doc = await sendAndReceive({ type: 'document', document: { source_url: url, filename: 'moved.pdf' } });
    expect(sha256(doc.data as Buffer)).toBe(sha256(pdf));
  });

  it('fails a send whose source_url redirects to a forbidden address, with the refusal POST /media gives', async () => {
    const url = source.serve('/to-internal.png', { status: 302, headers: { Location: 'http://10.0.0.1/a.png' } });
    const refused = await channel.http
      .post(`/v1/channels/${channel.id}/media`)
      .set(bearer(channel.key))
      .send({ source_url: url, mime_type: 'image/png' })
      .expect(400);
    expect(refused.body.error.details).toMatchObject({ reason: 'egress_refused' });
    const res = await channel.send({ type: 'image', to: contact, image: { source_url: url } });
    const failed = await channel.waitForStatus(res.body.message_id, 'failed');
    expect(failed.failure_reason).toBe(refused.body.error.message);
  });

  it("refuses a send whose source_url is over the plan's media limit, as POST /media does", async () => {
    await channel.http
      .put('/v1/admin/plans/small-media')
      .set(bearer(ctx.gw.adminToken))
      .send({ name: 'Small media', channel_limit: 5, rate_limit: { burst: 100, per_second: 10 }, media_max_bytes: 4096 })
      .expect(200);
    const small = await ctx.newChannel({ paired: true, plan: 'small-media' });
    const key = small.key;
    const url = source.serve('/over-plan.pdf', { body: SAMPLES.pdf(8 * 1024), headers: { 'Content-Type': 'application/pdf' } });
    const refused = await small.http
      .post(`/v1/channels/${small.id}/media`)
      .set(bearer(key))
      .send({ source_url: url, mime_type: 'application/pdf' })
      .expect(400);
    expect(refused.body.error.details).toMatchObject({ reason: 'too_large', max_bytes: 4096 });
    const res = await small.send({ type: 'document', to: contact, document: { source_url: url } });
    const failed = await small.waitForStatus(res.body.message_id, 'failed');
    expect(failed.failure_reason).toBe(refused.body.error.message);
  });

  it('stores inbound media through the media module, once', async () => {
    const jpeg = SAMPLES.jpeg();
    const waId = await ctx.simulator.send(digits(contact), digits(channel.phone), {
      type: 'image',
      data: jpeg,
      mimetype: 'image/jpeg',
      caption: 'from Mia',
    });
    const page = await eventually(
      () => channel.history({ direction: 'inbound', type: 'image' }),
      (p) => p.data.some((m: { wa_message_id: string }) => m.wa_message_id === waId),
    );
    const message = page.data.find((m: { wa_message_id: string }) => m.wa_message_id === waId);
    expect(message.image).toMatchObject({ caption: 'from Mia', mime_type: 'image/jpeg', sha256: sha256(jpeg), file_size: jpeg.length });
    const media = await channel.http.get(`/v1/channels/${channel.id}/media/${message.image.media_id}`).set(bearer(channel.key)).expect(200);
    expect(media.body.sha256).toBe(sha256(jpeg));
    const events = await channel.events('message.received');
    const event = events.find((p) => p.message_id === message.id) as { message: { image: Record<string, unknown> } };
    // The event keeps the media id; its signed link is minted each time it is sent (test/webhooks/media-links.spec.ts).
    expect(event.message.image).toEqual(message.image);
  });
});
