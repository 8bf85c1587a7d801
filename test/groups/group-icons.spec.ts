import sharp from 'sharp';
import { SourceServer } from '../media/source-server';
import { useTestContext } from '../support/context';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { groupsOf } from './support/groups';

/**
 * Group pictures: set from stored media or from a URL (fetched by the media module, within the plan's media
 * limit and through the egress guard), read back as WhatsApp's URL, removed.
 */
describe('Group icons', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let source: SourceServer;
  let png: Buffer;

  beforeAll(async () => {
    source = await SourceServer.start();
    png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 40, b: 40 } } })
      .png()
      .toBuffer();
  });
  afterAll(() => source.close());

  async function groupOfNewChannel() {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact));
    const api = groupsOf(channel);
    const { id } = (await api.post('', { subject: 'Pictures', participants: [contact] }).expect(201)).body;
    return { channel, api, id };
  }

  it('sets the icon from uploaded media, reads its URL, removes it', async () => {
    const { channel, api, id } = await groupOfNewChannel();
    expect((await api.get(`/${id}/icon`).expect(200)).body).toEqual({ group_id: id, url: null });

    const media = await channel.http
      .post(`/v1/channels/${channel.id}/media`)
      .set(bearer(channel.key))
      .attach('file', png, { filename: 'icon.png', contentType: 'image/png' })
      .expect(201);
    const set = await api.put(`/${id}/icon`, { media_id: media.body.media_id }).expect(200);
    expect(set.body).toEqual({ group_id: id, url: expect.stringMatching(/^https:\/\//) });
    expect((await api.get(`/${id}/icon?size=preview`).expect(200)).body.url).toEqual(expect.any(String));

    expect((await api.delete(`/${id}/icon`).expect(200)).body).toEqual({ group_id: id, url: null });
    expect((await api.get(`/${id}/icon`).expect(200)).body.url).toBeNull();
  });

  it('sets the icon from a source URL', async () => {
    const { api, id } = await groupOfNewChannel();
    const url = source.serve('/icon.png', { body: png, headers: { 'Content-Type': 'image/png' } });
    await api.put(`/${id}/icon`, { source_url: url }).expect(200);
    expect(source.hitsOf('/icon.png')).toBe(1);
    expect((await api.get(`/${id}/icon`).expect(200)).body.url).toEqual(expect.any(String));
  });

  it('refuses what is not an image, media of another channel, and a source over the plan limit', async () => {
    const { api, id } = await groupOfNewChannel();
    const pdf = source.serve('/file.pdf', { body: Buffer.from('%PDF-1.7\nnot a picture'), headers: { 'Content-Type': 'image/png' } });
    expect(errorCode(await api.put(`/${id}/icon`, { source_url: pdf }).expect(400))).toBe('invalid_request');

    const other = await ctx.newChannel({ paired: true });
    const foreign = await other.http
      .post(`/v1/channels/${other.id}/media`)
      .set(bearer(other.key))
      .attach('file', png, { filename: 'icon.png', contentType: 'image/png' })
      .expect(201);
    const res = await api.put(`/${id}/icon`, { media_id: foreign.body.media_id }).expect(400);
    expect(res.body.error.details.issues[0].path).toEqual(['media_id']);

    expect(errorCode(await api.put(`/${id}/icon`, { media_id: 'med_x', source_url: 'http://127.0.0.1/x.png' }).expect(400))).toBe(
      'invalid_request',
    );

    const big = source.serve('/big.png', { body: Buffer.concat([png, Buffer.alloc(8 * 1024)]), headers: { 'Content-Type': 'image/png' } });
    await ctx.http
      .put('/v1/admin/plans/small-icons')
      .set(bearer(ctx.gw.adminToken))
      .send({ name: 'Small media', channel_limit: 5, rate_limit: { burst: 100, per_second: 10 }, media_max_bytes: 4096 })
      .expect(200);
    const small = await ctx.newChannel({ paired: true, plan: 'small-icons' });
    const smallApi = groupsOf(small);
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact));
    const group = (await smallApi.post('', { subject: 'Small plan', participants: [contact] }).expect(201)).body;
    const refused = await smallApi.put(`/${group.id}/icon`, { source_url: big }).expect(400);
    expect(refused.body.error.details).toMatchObject({ reason: 'too_large', max_bytes: 4096 });
  });
});
