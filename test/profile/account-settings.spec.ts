import sharp from 'sharp';
import { SAMPLES, SourceServer } from '../media/source-server';
import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';

/**
 * The channel's own profile, its privacy settings and its blocklist: live on WhatsApp (the simulator, through
 * real Baileys), seen by simulated contacts as WhatsApp shows them, and changed from the phone too.
 */
describe('Profile, privacy settings and blocklist', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let source: SourceServer;
  let channel: TestChannel;
  let png: Buffer;

  beforeAll(async () => {
    source = await SourceServer.start();
    channel = await ctx.newChannel({ paired: true });
    png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2a7' } })
      .png()
      .toBuffer();
  });
  afterAll(() => source?.close());

  const call = (method: 'get' | 'patch' | 'put' | 'delete' | 'post', path: string, of: TestChannel = channel) =>
    ctx.http[method](`/v1/channels/${of.id}${path}`).set(bearer(of.key));
  const sandbox = (method: 'get' | 'patch' | 'put' | 'delete', path: string) =>
    ctx.http[method](`/v1/sandbox/channels/${channel.id}${path}`).set(bearer(channel.key));
  const seenBy = async (contact: string) => (await sandbox('get', `/profile/seen-by/${encodeURIComponent(contact)}`).expect(200)).body;

  describe('profile', () => {
    it("reads the channel's own profile from WhatsApp", async () => {
      const res = await call('get', '/profile').expect(200);
      expect(res.body).toEqual({
        jid: `${digits(channel.phone)}@s.whatsapp.net`,
        lid: ctx.simulator.phone(digits(channel.phone)).lid,
        phone_number: channel.phone,
        name: ctx.simulator.phone(digits(channel.phone)).pushName,
        about: null,
        picture_url: null,
        business: false,
      });
    });

    it('changes the push name and the about text; contacts see both', async () => {
      const contact = newPhone();
      const res = await call('patch', '/profile').send({ name: 'Acme Support', about: 'We answer 9 to 5' }).expect(200);
      expect(res.body).toMatchObject({ name: 'Acme Support', about: 'We answer 9 to 5' });
      await eventually(
        () => seenBy(contact),
        (seen) => seen.name === 'Acme Support',
      );
      expect(await seenBy(contact)).toMatchObject({ about: 'We answer 9 to 5' });
      const aboutOnly = await call('patch', '/profile').send({ about: 'Back on Monday' }).expect(200);
      expect(aboutOnly.body).toMatchObject({ name: 'Acme Support', about: 'Back on Monday' });
    });

    it.each([
      ['nothing to change', {}],
      ['a name longer than WhatsApp takes', { name: 'n'.repeat(26) }],
      ['an empty about text', { about: '  ' }],
      ['a field it does not know', { nickname: 'Acme' }],
    ])('refuses %s', async (_, body) => {
      expect(errorCode(await call('patch', '/profile').send(body).expect(400))).toBe('invalid_request');
    });

    it('sets the picture from stored media, square and sized as WhatsApp wants; a contact sees it', async () => {
      const media = await call('post', '/media').attach('file', png, { filename: 'logo.png', contentType: 'image/png' });
      expect({ status: media.status, body: media.body }).toMatchObject({ status: 201 });
      const res = await call('put', '/profile/picture').send({ media_id: media.body.media_id });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
      expect(res.body.picture_url).toEqual(expect.stringMatching(/^https:\/\//));
      const stored = ctx.simulator.profilePicture(digits(channel.phone))!;
      expect(await sharp(stored).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 640 });
      expect((await seenBy(newPhone())).picture_url).toBe(res.body.picture_url);
    });

    it('sets the picture from a URL, fetched as a send by URL is', async () => {
      const before = (await call('get', '/profile').expect(200)).body.picture_url;
      const url = source.serve('/avatar.png', { body: png, headers: { 'content-type': 'image/png' } });
      const res = await call('put', '/profile/picture').send({ source_url: url }).expect(200);
      expect(res.body.picture_url).toEqual(expect.any(String));
      expect(res.body.picture_url).not.toBe(before);
      expect(source.hitsOf('/avatar.png')).toBe(1);
    });

    it('refuses a picture that is not one image WhatsApp can take', async () => {
      const pdf = await call('post', '/media')
        .attach('file', SAMPLES.pdf(), { filename: 'doc.pdf', contentType: 'application/pdf' })
        .expect(201);
      const refusals = [
        { media_id: 'med_missing' },
        { media_id: pdf.body.media_id },
        { media_id: pdf.body.media_id, source_url: source.url('/avatar.png') },
        {},
      ];
      for (const body of refusals) {
        const res = await call('put', '/profile/picture').send(body);
        expect({ body, status: res.status, error: res.body.error?.code }).toEqual({ body, status: 400, error: 'invalid_request' });
      }
      const corrupt = source.serve('/corrupt.jpg', { body: SAMPLES.jpeg(), headers: { 'content-type': 'image/jpeg' } });
      const res = await call('put', '/profile/picture').send({ source_url: corrupt }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', details: { reason: 'unreadable_image' } });
    });

    it('removes the picture', async () => {
      await call('delete', '/profile/picture').expect(204);
      expect((await call('get', '/profile').expect(200)).body.picture_url).toBeNull();
      expect((await seenBy(newPhone())).picture_url).toBeNull();
    });

    it('says when the account runs WhatsApp Business, with the name set on the phone', async () => {
      const phone = newPhone();
      ctx.simulator.createPhone(digits(phone), { business: true, pushName: 'Acme Ltd' });
      const business = await ctx.newChannel({ paired: true, phone });
      const res = await call('get', '/profile', business).expect(200);
      expect(res.body).toMatchObject({ business: true, name: 'Acme Ltd', phone_number: phone });
    });
  });

  describe('privacy settings', () => {
    it('reads the settings from WhatsApp', async () => {
      const res = await call('get', '/settings/privacy').expect(200);
      expect(res.body).toEqual({
        last_seen: 'all',
        online: 'all',
        profile_picture: 'all',
        about: 'all',
        read_receipts: 'all',
        groups_add: 'all',
        calls: 'all',
        default_disappearing_seconds: 0,
      });
    });

    it('changes any of them, each on WhatsApp', async () => {
      const res = await call('patch', '/settings/privacy')
        .send({
          last_seen: 'contacts',
          online: 'match_last_seen',
          groups_add: 'contact_blacklist',
          calls: 'known',
          default_disappearing_seconds: 604_800,
        })
        .expect(200);
      expect(res.body).toMatchObject({
        last_seen: 'contacts',
        online: 'match_last_seen',
        groups_add: 'contact_blacklist',
        calls: 'known',
        default_disappearing_seconds: 604_800,
      });
      expect(ctx.simulator.privacy(digits(channel.phone))).toMatchObject({
        last: 'contacts',
        online: 'match_last_seen',
        groupadd: 'contact_blacklist',
        calladd: 'known',
        defaultDisappearing: 604_800,
      });
      await call('patch', '/settings/privacy')
        .send({ last_seen: 'all', online: 'all', groups_add: 'all', calls: 'all', default_disappearing_seconds: 0 })
        .expect(200);
    });

    it.each([
      ['a value the setting does not take', { online: 'contacts' }],
      ['groups add for nobody', { groups_add: 'none' }],
      ['calls from contacts', { calls: 'contacts' }],
      ['a timer WhatsApp does not offer', { default_disappearing_seconds: 3600 }],
      ["WhatsApp's wire name instead of the API's", { last: 'none' }],
      ['nothing to change', {}],
    ])('refuses %s', async (_, body) => {
      expect(errorCode(await call('patch', '/settings/privacy').send(body).expect(400))).toBe('invalid_request');
    });

    it('hides last seen from contacts once set so', async () => {
      const contact = newPhone();
      expect((await seenBy(contact)).last_seen).toEqual(expect.any(Number));
      await call('patch', '/settings/privacy').send({ last_seen: 'none' }).expect(200);
      expect((await seenBy(contact)).last_seen).toBeNull();
      await call('patch', '/settings/privacy').send({ last_seen: 'all' }).expect(200);
      expect((await seenBy(contact)).last_seen).toEqual(expect.any(Number));
    });

    it('sends contacts no read receipts once read receipts are off', async () => {
      const contact = newPhone();
      const receive = async (text: string) => {
        const sent = await ctx.http
          .post(`/v1/sandbox/channels/${channel.id}/inbound`)
          .set(bearer(channel.key))
          .send({ from: contact, type: 'text', text })
          .expect(202);
        const history: { data: { id: string; wa_message_id: string }[] } = await eventually(
          () => channel.history({ chat: contact }),
          (page: { data: { id: string; wa_message_id: string }[] }) => page.data.some((m) => m.wa_message_id === sent.body.wa_message_id),
        );
        const message = history.data.find((m) => m.wa_message_id === sent.body.wa_message_id)!;
        return { id: message.id, waId: sent.body.wa_message_id as string };
      };
      const readReceipts = (waId: string) =>
        ctx.simulator.receipts(digits(contact)).filter((r) => r.messageId === waId && r.type === 'read');

      const first = await receive('read receipts on');
      await call('post', `/messages/${first.id}/read`).expect(200);
      await eventually(
        async () => readReceipts(first.waId),
        (list) => list.length > 0,
      );

      await call('patch', '/settings/privacy').send({ read_receipts: 'none' }).expect(200);
      const second = await receive('read receipts off');
      await call('post', `/messages/${second.id}/read`).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(readReceipts(second.waId)).toEqual([]);
      await call('patch', '/settings/privacy').send({ read_receipts: 'all' }).expect(200);
    });

    it('shows a change made on the phone', async () => {
      await sandbox('patch', '/privacy').send({ profile_picture: 'contacts', default_disappearing_seconds: 86_400 }).expect(200);
      const res = await call('get', '/settings/privacy').expect(200);
      expect(res.body).toMatchObject({ profile_picture: 'contacts', default_disappearing_seconds: 86_400 });
      await sandbox('patch', '/privacy').send({ profile_picture: 'all', default_disappearing_seconds: 0 }).expect(200);
    });
  });

  describe('blocklist', () => {
    it('blocks a contact: listed, sends to it refused, its messages not delivered; unblocking undoes it', async () => {
      const contact = newPhone();
      const contactJid = `${digits(contact)}@s.whatsapp.net`;
      expect((await call('get', '/blocklist').expect(200)).body).toEqual({ data: [] });

      const blocked = await call('put', `/blocklist/${encodeURIComponent(contact)}`).expect(200);
      expect(blocked.body).toEqual({ jid: contactJid, phone_number: contact, lid: null });
      expect((await call('get', '/blocklist').expect(200)).body.data).toEqual([{ jid: contactJid, phone_number: contact, lid: null }]);
      expect(ctx.simulator.blocklist(digits(channel.phone))).toEqual([digits(contact)]);

      const refused = await channel.send({ to: contact, type: 'text', text: 'hello?' }, 400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_request', details: { reason: 'recipient_blocked' } });

      const inbound = await ctx.http
        .post(`/v1/sandbox/channels/${channel.id}/inbound`)
        .set(bearer(channel.key))
        .send({ from: contact, type: 'text', text: 'let me in' })
        .expect(202);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const history = await channel.history({ chat: contact });
      expect(history.data.map((m: { wa_message_id: string }) => m.wa_message_id)).not.toContain(inbound.body.wa_message_id);

      await call('delete', `/blocklist/${encodeURIComponent(contactJid)}`).expect(204);
      expect((await call('get', '/blocklist').expect(200)).body).toEqual({ data: [] });
      await channel.send({ to: contact, type: 'text', text: 'welcome back' });
      await ctx.simulator.waitForMessage(digits(contact), (m) => m.content.type === 'text' && m.content.text === 'welcome back');
    });

    it('blocks by LID, and lists the contact by its phone number', async () => {
      const contact = newPhone();
      // the channel learns the contact's LID from a message it sends
      await ctx.http
        .post(`/v1/sandbox/channels/${channel.id}/inbound`)
        .set(bearer(channel.key))
        .send({ from: contact, type: 'text', text: 'hi' })
        .expect(202);
      await eventually(
        () => channel.history({ chat: contact }),
        (page: { data: unknown[] }) => page.data.length > 0,
      );
      const lid = ctx.simulator.phone(digits(contact)).lid;
      await call('put', `/blocklist/${encodeURIComponent(lid)}`).expect(200);
      expect((await call('get', '/blocklist').expect(200)).body.data).toEqual([
        { jid: `${digits(contact)}@s.whatsapp.net`, phone_number: contact, lid: null },
      ]);
      await call('delete', `/blocklist/${encodeURIComponent(lid)}`).expect(204);
    });

    it('shows blocks made on the phone, by LID when the channel does not know the number', async () => {
      const contact = newPhone();
      const phoneBlock = await sandbox('put', `/blocklist/${encodeURIComponent(contact)}`).expect(200);
      expect(phoneBlock.body.blocked).toEqual([contact]);
      // WhatsApp lists blocked people by LID: the number of one the channel never wrote with is not known to it
      const lid = ctx.simulator.phone(digits(contact)).lid;
      expect((await call('get', '/blocklist').expect(200)).body.data).toEqual([{ jid: lid, phone_number: null, lid }]);
      await sandbox('delete', `/blocklist/${encodeURIComponent(contact)}`).expect(200);
      expect((await call('get', '/blocklist').expect(200)).body).toEqual({ data: [] });
    });

    it('refuses what is not a user, and a LID WhatsApp cannot name', async () => {
      for (const contact of ['not-a-number', '120363012345678901@g.us']) {
        const res = await call('put', `/blocklist/${encodeURIComponent(contact)}`).expect(400);
        expect(res.body.error.details.issues[0].path).toEqual(['contact']);
      }
      const unknown = await call('put', `/blocklist/${encodeURIComponent('99999999999999@lid')}`).expect(404);
      expect(unknown.body.error).toMatchObject({ code: 'not_found', details: { reason: 'lid_unknown' } });
    });
  });

  describe('access', () => {
    const ROUTES: Array<{ method: 'get' | 'patch' | 'put' | 'delete'; path: string; body?: object }> = [
      { method: 'get', path: '/profile' },
      { method: 'patch', path: '/profile', body: { about: 'x' } },
      { method: 'put', path: '/profile/picture', body: { media_id: 'med_x' } },
      { method: 'delete', path: '/profile/picture' },
      { method: 'get', path: '/settings/privacy' },
      { method: 'patch', path: '/settings/privacy', body: { last_seen: 'all' } },
      { method: 'get', path: '/blocklist' },
      { method: 'put', path: '/blocklist/+15550001111' },
      { method: 'delete', path: '/blocklist/+15550001111' },
    ];

    it('needs a live socket: a channel never connected, or disconnected, answers channel_unavailable', async () => {
      const idle = await ctx.newChannel();
      const dropped = await ctx.newChannel({ paired: true });
      await dropped.http.post(`/v1/channels/${dropped.id}/disconnect`).set(bearer(dropped.key)).expect(200);
      await dropped.waitForChannelStatus('stopped_by_user');
      for (const target of [idle, dropped]) {
        for (const route of ROUTES) {
          const res = await call(route.method, route.path, target).send(route.body);
          expect({ route: `${route.method} ${route.path}`, code: errorCode(res) }).toEqual({
            route: `${route.method} ${route.path}`,
            code: 'channel_unavailable',
          });
        }
      }
    });

    it('keeps tenants apart and holds scoped keys and key modes', async () => {
      const stranger = await ctx.newAccount();
      const other = await ctx.newChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'other' });
      const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: other.id });
      const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
      for (const route of ROUTES) {
        const path = `/v1/channels/${channel.id}${route.path}`;
        const codes = [];
        for (const key of [stranger.key, scoped.key, live.key]) {
          codes.push(errorCode(await ctx.http[route.method](path).set(bearer(key)).send(route.body)));
        }
        codes.push(errorCode(await ctx.http[route.method](path).send(route.body)));
        expect({ route: `${route.method} ${route.path}`, codes }).toEqual({
          route: `${route.method} ${route.path}`,
          codes: ['channel_not_found', 'channel_scoped_key', 'channel_access_denied', 'auth_missing'],
        });
      }
      // the scoped key works on its own channel's routes (it is only not connected)
      const own = await ctx.http.get(`/v1/channels/${other.id}/profile`).set(bearer(scoped.key));
      expect(errorCode(own)).toBe('channel_unavailable');
    });
  });
});
