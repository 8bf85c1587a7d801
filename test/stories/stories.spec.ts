import { createHash } from 'node:crypto';
import type { ReceivedMessage, StoryRevokedEvent } from '../../src/simulator';
import { SAMPLES, SourceServer } from '../media/source-server';
import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { digits, newPhone } from '../support/phones';

const TEST_MS = 60_000;
const STATUS = 'status@broadcast';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('Stories', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let channel: TestChannel;
  let source: SourceServer;

  beforeAll(async () => {
    source = await SourceServer.start();
    channel = await ctx.newChannel({ paired: true });
  }, TEST_MS);
  afterAll(() => source?.close());

  const post = (body: Record<string, unknown>, key = channel.key, channelId = channel.id) =>
    ctx.http.post(`/v1/channels/${channelId}/stories`).set(bearer(key)).send(body);
  const list = (key = channel.key, channelId = channel.id) => ctx.http.get(`/v1/channels/${channelId}/stories`).set(bearer(key));
  const get = (id: string, key = channel.key, channelId = channel.id) =>
    ctx.http.get(`/v1/channels/${channelId}/stories/${id}`).set(bearer(key));
  const revoke = (id: string, key = channel.key, channelId = channel.id) =>
    ctx.http.delete(`/v1/channels/${channelId}/stories/${id}`).set(bearer(key));
  const sandboxView = (storyId: string, from: string) =>
    ctx.http.post(`/v1/sandbox/channels/${channel.id}/stories/${storyId}/views`).set(bearer(channel.key)).send({ from });

  const storyOn = (phone: string, waMessageId: string): Promise<ReceivedMessage> =>
    ctx.simulator.waitForMessage(digits(phone), (m) => m.id === waMessageId && !!m.story, 20_000);

  it(
    'posts a text story to contacts named by number and by LID: both phones show it, with its colour and font',
    async () => {
      const [ana, lia] = [newPhone(), newPhone()];
      ctx.simulator.createPhone(digits(ana), { pushName: 'Ana' });
      const { lid } = ctx.simulator.createPhone(digits(lia), { pushName: 'Lia', addressing: 'lid' });

      const res = await post({
        type: 'text',
        text: 'Open on Sunday',
        background_color: '#1F8A70',
        font: 'calistoga_regular',
        audience: { contacts: [ana, lid, ana] },
      }).expect(201);
      const story = res.body;
      expect(story).toMatchObject({
        id: expect.stringMatching(/^msg_/),
        channel_id: channel.id,
        type: 'text',
        text: 'Open on Sunday',
        background_color: '#1F8A70',
        font: 'calistoga_regular',
        audience: { type: 'list', size: 2 },
        views: [],
      });
      expect(Date.parse(story.expires_at) - Date.parse(story.posted_at)).toBe(24 * 3600 * 1000);

      for (const phone of [ana, lia]) {
        const shown = await storyOn(phone, story.wa_message_id);
        expect(shown).toMatchObject({ from: digits(channel.phone), content: { type: 'text', text: 'Open on Sunday' } });
        expect(shown.story).toEqual({ background: '#FF1F8A70', font: 8 });
      }

      // in history as a message to status@broadcast, sent; not a chat
      const sent = await channel.waitForStatus(story.id, 'delivered');
      expect(sent).toMatchObject({ chat_id: STATUS, direction: 'outbound', type: 'text', text: 'Open on Sunday' });
      const chats = await ctx.http.get(`/v1/channels/${channel.id}/chats`).set(bearer(channel.key)).expect(200);
      expect(chats.body.data.map((c: { id: string }) => c.id)).not.toContain(STATUS);

      const page = await list().expect(200);
      expect(page.body.data.map((s: { id: string }) => s.id)).toContain(story.id);
    },
    TEST_MS,
  );

  it(
    'shows who viewed a story, once per viewer, with story.viewed naming the request',
    async () => {
      const [ben, lia] = [newPhone(), newPhone()];
      ctx.simulator.createPhone(digits(ben), { pushName: 'Ben' });
      const { lid } = ctx.simulator.createPhone(digits(lia), { pushName: 'Lia', addressing: 'lid' });
      const story = (await post({ type: 'text', text: 'Seen?', audience: { contacts: [ben, lid] } }).expect(201)).body;
      await storyOn(ben, story.wa_message_id);
      await storyOn(lia, story.wa_message_id);

      const viewed = await sandboxView(story.id, ben).expect(200);
      expect(viewed.body).toEqual({ channel_id: channel.id, story_id: story.id, from: ben });
      // the LID-addressed contact views it on its phone: its receipt names it by LID
      ctx.simulator.viewStory(digits(lia), digits(channel.phone), [story.wa_message_id]);
      // viewing twice is one view
      ctx.simulator.viewStory(digits(ben), digits(channel.phone), [story.wa_message_id]);

      const shown = await eventually(
        async () => (await get(story.id).expect(200)).body,
        (s) => s.views.length === 2,
      );
      const byNumber = Object.fromEntries(shown.views.map((v: { viewer: { jid: string } }) => [v.viewer.jid, v]));
      expect(byNumber[`${digits(ben)}@s.whatsapp.net`]).toMatchObject({ viewer: { phone_number: ben }, viewed_at: expect.any(String) });
      const liaView = shown.views.find((v: { viewer: { jid: string } }) => v.viewer.jid !== `${digits(ben)}@s.whatsapp.net`);
      expect(liaView.viewer.lid === lid || liaView.viewer.jid === lid).toBe(true);
      expect([lia, null]).toContain(liaView.viewer.phone_number);

      const rows = await eventually(
        () => channel.eventRows('story.viewed'),
        (r) => r.filter((e) => e.payload.story_id === story.id).length === 2,
      );
      const mine = rows.filter((e) => e.payload.story_id === story.id);
      const benRow = mine.find((e) => (e.payload.viewer as { phone_number: string }).phone_number === ben)!;
      expect(benRow.correlationId).toBe(viewed.headers['x-request-id']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await channel.eventRows('story.viewed')).filter((e) => e.payload.story_id === story.id)).toHaveLength(2);

      const page = await list().expect(200);
      const listed = page.body.data.find((s: { id: string }) => s.id === story.id);
      expect(listed.views).toHaveLength(2);
    },
    TEST_MS,
  );

  it(
    'posts an image story by media_id, and a story to every known contact',
    async () => {
      const fresh = await ctx.newChannel({ paired: true, name: 'fresh' });
      // a channel that knows nobody cannot post to "contacts"
      const none = await post({ type: 'text', text: 'hello', audience: 'contacts' }, fresh.key, fresh.id).expect(400);
      expect(none.body.error).toMatchObject({ code: 'invalid_request', details: { issues: [{ code: 'empty_audience' }] } });

      const [kim, leo] = [newPhone(), newPhone()];
      ctx.simulator.createPhone(digits(kim), { pushName: 'Kim' });
      ctx.simulator.createPhone(digits(leo), { pushName: 'Leo', addressing: 'lid' });
      for (const phone of [kim, leo]) await ctx.simulator.send(digits(phone), digits(fresh.phone), { type: 'text', text: 'hi' });
      await eventually(
        () => fresh.history({ direction: 'inbound' }),
        (p) => p.data.length === 2,
      );

      const png = SAMPLES.png();
      const media = await ctx.http
        .post(`/v1/channels/${fresh.id}/media`)
        .set(bearer(fresh.key))
        .attach('file', png, { filename: 'menu.png', contentType: 'image/png' })
        .expect(201);
      const mediaId = media.body.media_id ?? media.body.id;
      const res = await post({ type: 'image', image: { media_id: mediaId, caption: 'Menu' }, audience: 'contacts' }, fresh.key, fresh.id);
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 201,
        body: { type: 'image', image: { media_id: mediaId, caption: 'Menu' }, audience: { type: 'contacts', size: 2 } },
      });
      for (const phone of [kim, leo]) {
        const shown = await storyOn(phone, res.body.wa_message_id);
        expect(shown.content).toMatchObject({ type: 'image', caption: 'Menu', mimetype: 'image/png' });
        expect(sha256((shown.content as { data: Buffer }).data)).toBe(sha256(png));
      }
    },
    TEST_MS,
  );

  it(
    'posts a video story by source_url to a LID-addressed contact: its phone shows the very bytes',
    async () => {
      const mia = newPhone();
      const { lid } = ctx.simulator.createPhone(digits(mia), { pushName: 'Mia', addressing: 'lid' });
      const mp4 = SAMPLES.mp4(4096);
      const url = source.serve('/clip.mp4', { body: mp4, headers: { 'Content-Type': 'video/mp4' } });
      const res = await post({ type: 'video', video: { source_url: url, caption: 'Behind the scenes' }, audience: { contacts: [lid] } });
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 201,
        body: { type: 'video', video: { source_url: url, caption: 'Behind the scenes' }, audience: { type: 'list', size: 1 } },
      });
      const shown = await storyOn(mia, res.body.wa_message_id);
      expect(shown.content).toMatchObject({ type: 'video', caption: 'Behind the scenes', mimetype: 'video/mp4' });
      expect(sha256((shown.content as { data: Buffer }).data)).toBe(sha256(mp4));
      expect(await channel.waitForStatus(res.body.id, 'delivered')).toMatchObject({ chat_id: STATUS, type: 'video' });
    },
    TEST_MS,
  );

  it(
    'forgets a story after 24 hours: it leaves the list and answers 404 story_expired; other channels never see it',
    async () => {
      const ana = newPhone();
      ctx.simulator.createPhone(digits(ana));
      const story = (await post({ type: 'text', text: 'Yesterday', audience: { contacts: [ana] } }).expect(201)).body;
      await storyOn(ana, story.wa_message_id);

      // another channel of the same customer: the story is not its own
      const sibling = await ctx.newChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'sibling' });
      expect((await get(story.id, channel.key, sibling.id).expect(404)).body.error.details.reason).toBe('story_not_found');
      expect((await list(channel.key, sibling.id).expect(200)).body.data).toEqual([]);

      await ctx.prisma.story.update({ where: { id: story.id }, data: { postedAt: new Date(Date.now() - 24 * 3600 * 1000 - 1000) } });
      expect((await get(story.id).expect(404)).body.error).toMatchObject({ code: 'not_found', details: { reason: 'story_expired' } });
      expect((await revoke(story.id).expect(404)).body.error.details.reason).toBe('story_expired');
      expect((await list().expect(200)).body.data.map((s: { id: string }) => s.id)).not.toContain(story.id);
    },
    TEST_MS,
  );

  it(
    "receives a contact's story as message.received is_story, in history but not as a chat",
    async () => {
      const [ivy, zoe] = [newPhone(), newPhone()];
      const res = await ctx.http
        .post(`/v1/sandbox/channels/${channel.id}/stories`)
        .set(bearer(channel.key))
        .send({ from: ivy, text: 'At the beach', background_color: '#003366' })
        .expect(201);
      const received = await eventually(
        () => channel.eventRows('message.received'),
        (rows) => rows.some((r) => (r.payload.message as { wa_message_id: string }).wa_message_id === res.body.wa_message_id),
      );
      const row = received.find((r) => (r.payload.message as { wa_message_id: string }).wa_message_id === res.body.wa_message_id)!;
      expect(row.payload).toMatchObject({
        chat_id: STATUS,
        is_story: true,
        message: { chat_id: STATUS, from: `${digits(ivy)}@s.whatsapp.net`, direction: 'inbound', text: 'At the beach' },
      });
      expect(row.correlationId).toBe(res.headers['x-request-id']);

      // a LID-addressed contact's story, straight from its phone: reported by phone number, with the LID
      const { lid } = ctx.simulator.createPhone(digits(zoe), { pushName: 'Zoe', addressing: 'lid' });
      const id = await ctx.simulator.postStory(digits(zoe), [digits(channel.phone)], { type: 'text', text: 'New job!' });
      const page = await eventually(
        () => channel.history({ chat: STATUS, direction: 'inbound' }),
        (p) => p.data.some((m: { wa_message_id: string }) => m.wa_message_id === id),
      );
      expect(page.data.find((m: { wa_message_id: string }) => m.wa_message_id === id)).toMatchObject({
        from: `${digits(zoe)}@s.whatsapp.net`,
        from_lid: lid,
        text: 'New job!',
      });
      // stories make no chat
      const chats = await ctx.http.get(`/v1/channels/${channel.id}/chats`).set(bearer(channel.key)).expect(200);
      expect(chats.body.data.map((c: { id: string }) => c.id)).not.toContain(STATUS);
      const others = (await channel.events('message.received')).filter((p) => p.is_story === false);
      expect(others).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'revokes a story: its viewers stop showing it, and it answers 404 from then on',
    async () => {
      const ana = newPhone();
      ctx.simulator.createPhone(digits(ana));
      const story = (await post({ type: 'text', text: 'Oops', audience: { contacts: [ana] } }).expect(201)).body;
      await storyOn(ana, story.wa_message_id);

      const taken = new Promise<StoryRevokedEvent>((resolve) =>
        ctx.simulator.on('story-revoked', (event) => event.messageId === story.wa_message_id && resolve(event)),
      );
      await revoke(story.id).expect(204);
      expect(await taken).toMatchObject({ phone: digits(ana), from: digits(channel.phone) });
      expect(ctx.simulator.stories(digits(ana)).find((m) => m.id === story.wa_message_id)?.revoked).toBe(true);

      const gone = await get(story.id).expect(404);
      expect(gone.body.error).toMatchObject({ code: 'not_found', details: { reason: 'story_revoked' } });
      expect((await revoke(story.id).expect(404)).body.error.details.reason).toBe('story_revoked');
      expect((await list().expect(200)).body.data.map((s: { id: string }) => s.id)).not.toContain(story.id);
      expect((await sandboxView(story.id, ana).expect(404)).body.error.code).toBe('not_found');
    },
    TEST_MS,
  );

  it(
    'refuses bad input, unknown stories, other keys and channels without a live socket',
    async () => {
      const ana = newPhone();
      const bad = async (body: Record<string, unknown>) => {
        const res = await post(body).expect(400);
        expect(res.body.error.code).toBe('invalid_request');
        return res.body.error;
      };
      await bad({ type: 'text', text: 'x', audience: { contacts: [] } });
      await bad({ type: 'text', text: 'x' });
      await bad({ type: 'text', text: '', audience: 'contacts' });
      await bad({ type: 'text', text: 'x', audience: 'everyone' });
      await bad({ type: 'text', text: 'x', background_color: 'red', audience: { contacts: [ana] } });
      await bad({ type: 'text', text: 'x', font: 'comic_sans', audience: { contacts: [ana] } });
      await bad({ type: 'audio', audio: { media_id: 'med_x' }, audience: { contacts: [ana] } });
      await bad({ type: 'text', text: 'x', audience: { contacts: Array.from({ length: 257 }, () => newPhone()) } });
      const group = await bad({ type: 'text', text: 'x', audience: { contacts: ['120363012345678901@g.us'] } });
      expect(group.details.issues[0].path).toEqual(['audience', 'contacts', 0]);
      const self = await bad({ type: 'text', text: 'x', audience: { contacts: [channel.phone] } });
      expect(self.details.issues[0].code).toBe('empty_audience');
      const media = await bad({ type: 'image', image: { media_id: 'med_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F' }, audience: { contacts: [ana] } });
      expect(media.details.issues[0].path).toEqual(['image', 'media_id']);
      await bad({ type: 'image', image: {}, audience: { contacts: [ana] } });

      for (const id of ['msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F', 'nonsense']) {
        expect((await get(id).expect(404)).body.error).toMatchObject({ code: 'not_found', details: { reason: 'story_not_found' } });
        expect((await revoke(id).expect(404)).body.error.code).toBe('not_found');
      }
      const cursor = await ctx.http.get(`/v1/channels/${channel.id}/stories?cursor=bogus`).set(bearer(channel.key)).expect(400);
      expect(cursor.body.error.code).toBe('invalid_request');

      // authentication and scope
      await ctx.http.get(`/v1/channels/${channel.id}/stories`).expect(401);
      await ctx.http.post(`/v1/channels/${channel.id}/stories`).set(bearer('wiu_test_nonsense')).send({}).expect(401);
      const stranger = await ctx.newAccount();
      expect((await list(stranger.key).expect(404)).body.error.code).toBe('channel_not_found');
      const other = await ctx.newChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'second' });
      const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: other.id });
      expect((await list(scoped.key).expect(403)).body.error.code).toBe('channel_scoped_key');
      const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
      expect((await post({ type: 'text', text: 'x', audience: 'contacts' }, live.key).expect(403)).body.error.code).toBe(
        'channel_access_denied',
      );

      // not connected: posting and revoking need WhatsApp; reading does not
      const offline = await post({ type: 'text', text: 'x', audience: { contacts: [ana] } }, other.key, other.id).expect(409);
      expect(offline.body.error.code).toBe('channel_unavailable');
      expect((await revoke('msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F', other.key, other.id).expect(409)).body.error.code).toBe('channel_unavailable');
      expect((await list(other.key, other.id).expect(200)).body).toEqual({ data: [], has_more: false, next_cursor: null });

      // the sandbox's routes
      const sandboxPost = (body: Record<string, unknown>, key = channel.key, id = channel.id) =>
        ctx.http.post(`/v1/sandbox/channels/${id}/stories`).set(bearer(key)).send(body);
      expect((await sandboxPost({ from: 'nobody', text: 'x' }).expect(400)).body.error.code).toBe('invalid_request');
      expect((await sandboxPost({ from: ana }).expect(400)).body.error.code).toBe('invalid_request');
      expect((await sandboxPost({ from: ana, text: 'x' }, other.key, other.id).expect(409)).body.error.code).toBe('channel_unavailable');
      expect((await sandboxView('msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F', ana).expect(404)).body.error.code).toBe('not_found');
      expect((await sandboxView('msg_01JZ8Q3M4X5Y6Z7A8B9C0D1E2F', 'x').expect(400)).body.error.code).toBe('invalid_request');
    },
    TEST_MS,
  );
});
