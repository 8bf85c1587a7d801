import type Redis from 'ioredis';
import { PRESENCE_TTL_SECONDS, PresenceStore } from '../../src/modules/presence/presence.store';
import { REDIS } from '../../src/platform/redis/redis-connection';
import type { PresenceEvent } from '../../src/simulator';
import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { digits, newPhone } from '../support/phones';

const TEST_MS = 90_000;
const SEEN_MS = 15_000;

describe('Presence', () => {
  const ctx = useTestContext();
  let channel: TestChannel;

  beforeAll(async () => {
    channel = await ctx.newChannel({ paired: true });
  }, TEST_MS);

  const api = (method: 'get' | 'post' | 'put', path: string, key = channel.key, channelId = channel.id) =>
    ctx.http[method](`/v1/channels/${channelId}/presences${path}`).set(bearer(key));
  const contactDoes = (from: string, presence: string, extra: Record<string, unknown> = {}) =>
    ctx.http
      .post(`/v1/sandbox/channels/${channel.id}/presence`)
      .set(bearer(channel.key))
      .send({ from, presence, ...extra })
      .expect(200);
  /** The next presence stanza the simulator receives that matches, failing the test after SEEN_MS rather than hanging it. */
  const seen = (match: (e: PresenceEvent) => boolean) =>
    new Promise<PresenceEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching presence reached WhatsApp in ${SEEN_MS} ms`)), SEEN_MS);
      ctx.simulator.on('presence', (e) => {
        if (!match(e)) return;
        clearTimeout(timer);
        resolve(e);
      });
    });
  const updates = async (phone: string): Promise<Array<Record<string, unknown>>> =>
    (await channel.events('presence.updated')).filter((p) => (p as { contact: { phone_number: string } }).contact.phone_number === phone);

  it(
    "sets the channel's own presence and sends chat states to a contact",
    async () => {
      const online = seen((e) => e.phone === digits(channel.phone) && e.state === 'available');
      expect((await api('put', '/me').send({ presence: 'online' }).expect(200)).body).toEqual({
        channel_id: channel.id,
        presence: 'online',
      });
      await online;

      const contact = newPhone();
      const typing = seen((e) => e.phone === digits(channel.phone) && e.state === 'composing');
      const res = await api('post', `/${encodeURIComponent(contact)}`)
        .send({ presence: 'typing' })
        .expect(200);
      expect(res.body).toEqual({ to: `${digits(contact)}@s.whatsapp.net`, presence: 'typing' });
      expect((await typing).to).toContain(digits(contact));
      for (const [presence, state] of [
        ['recording', 'recording'],
        ['paused', 'paused'],
      ]) {
        const shown = seen((e) => e.phone === digits(channel.phone) && e.state === state);
        await api('post', `/${contact}`).send({ presence }).expect(200);
        expect((await shown).to).toContain(digits(contact));
      }

      const offline = seen((e) => e.phone === digits(channel.phone) && e.state === 'unavailable');
      expect((await api('put', '/me').send({ presence: 'offline' }).expect(200)).body).toEqual({
        channel_id: channel.id,
        presence: 'offline',
      });
      await offline;
    },
    TEST_MS,
  );

  it(
    'subscribes to a contact: presence pushes are cached and published, a typing burst coalesced, hidden last seen respected',
    async () => {
      await api('put', '/me').send({ presence: 'online' }).expect(200);
      const contact = newPhone();
      const { lid } = ctx.simulator.createPhone(digits(contact));
      expect((await api('get', `/${contact}`).expect(200)).body).toMatchObject({ presence: null, last_seen: null });
      await api('post', `/${contact}/subscribe`).expect(200);
      // WhatsApp answers a subscription with the contact's current presence
      const first = await eventually(
        () =>
          api('get', `/${contact}`)
            .expect(200)
            .then((r) => r.body),
        (b) => b.presence !== null,
      );
      expect(first).toMatchObject({ presence: 'offline' });
      expect(first.last_seen).toEqual(expect.any(String));
      // kept in Redis for a short while only: presence goes stale
      const ttl = await ctx.gw.app.get<Redis>(REDIS).ttl(`presence:${channel.id}:${digits(contact)}@s.whatsapp.net`);
      expect(ttl).toBeGreaterThan(PRESENCE_TTL_SECONDS - 60);
      expect(ttl).toBeLessThanOrEqual(PRESENCE_TTL_SECONDS);

      await contactDoes(contact, 'online');
      await eventually(
        () =>
          api('get', `/${contact}`)
            .expect(200)
            .then((r) => r.body.presence),
        (p) => p === 'online',
      );
      for (let i = 0; i < 5; i++) await contactDoes(contact, 'typing');
      await contactDoes(contact, 'paused');
      await eventually(
        () => updates(contact),
        (u) => u.length >= 4,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await updates(contact)).map((u) => u.presence)).toEqual(['offline', 'online', 'typing', 'online']);

      await contactDoes(contact, 'offline', { hide_last_seen: true });
      const all = await eventually(
        () => updates(contact),
        (u) => u.length === 5,
      );
      expect(all[4]).toEqual({ contact: { jid: lid, phone_number: contact, lid }, presence: 'offline' });
      expect((await api('get', `/${contact}`).expect(200)).body).toMatchObject({ presence: 'offline', last_seen: null });
    },
    TEST_MS,
  );

  it(
    'shows chat states in groups: the channel typing in a group, a member typing there (chat: the group), coalesced per chat',
    async () => {
      const member = newPhone();
      const { lid } = ctx.simulator.createPhone(digits(member), { pushName: 'Gil' });
      const group = ctx.simulator.createGroup(digits(member), 'Presence club', [digits(channel.phone)]);

      const recording = seen((e) => e.phone === digits(channel.phone) && e.state === 'recording' && e.to === group.id);
      expect((await api('post', `/${group.id}`).send({ presence: 'recording' }).expect(200)).body).toEqual({
        to: group.id,
        presence: 'recording',
      });
      await recording;

      await api('put', '/me').send({ presence: 'online' }).expect(200);
      await api('post', `/${member}/subscribe`).expect(200);
      await eventually(
        () => updates(member),
        (u) => u.length === 1,
      );
      await contactDoes(member, 'typing', { group: group.id });
      // the same presence right after, in another chat: a change, not a repeat
      await contactDoes(member, 'typing');
      const typing = await eventually(
        async () => (await updates(member)).filter((u) => u.presence === 'typing'),
        (u) => u.length === 2,
      );
      const contact = { jid: lid, phone_number: member, lid };
      expect(typing).toEqual(
        expect.arrayContaining([
          { contact, presence: 'typing', chat: group.id },
          { contact, presence: 'typing' },
        ]),
      );

      // the sandbox refuses what WhatsApp does not show in a group
      const sandbox = (body: Record<string, unknown>) =>
        ctx.http.post(`/v1/sandbox/channels/${channel.id}/presence`).set(bearer(channel.key)).send(body);
      expect((await sandbox({ from: member, presence: 'online', group: group.id }).expect(400)).body.error.code).toBe('invalid_request');
      expect((await sandbox({ from: member, presence: 'typing', group: 'nonsense' }).expect(400)).body.error.code).toBe('invalid_request');
      expect((await sandbox({ from: newPhone(), presence: 'typing', group: group.id }).expect(400)).body.error.details.issues[0].code).toBe(
        'not_member',
      );
      expect((await sandbox({ from: member, presence: 'typing', group: '120363000000000000@g.us' }).expect(404)).body.error.code).toBe(
        'not_found',
      );
    },
    TEST_MS,
  );

  it(
    'renews its own presence and its subscriptions after a reconnect',
    async () => {
      const mine = (e: PresenceEvent) => e.phone === digits(channel.phone) && e.state === 'available';
      const set = seen(mine);
      await api('put', '/me').send({ presence: 'online' }).expect(200);
      await set;
      const contact = newPhone();
      await api('post', `/${contact}/subscribe`).expect(200);
      await eventually(
        () =>
          api('get', `/${contact}`)
            .expect(200)
            .then((r) => r.body.presence),
        (p) => p !== null,
      );
      // what the channel asked for lives as long as it keeps connecting: each connection restarts the clock
      const redis = ctx.gw.app.get<Redis>(REDIS);
      const remembered = [`presence-own:${channel.id}`, `presence-subscriptions:${channel.id}`];
      for (const key of remembered) expect(await redis.expire(key, 100)).toBe(1);
      const dropped = new Date().toISOString();
      const renewed = seen(mine);
      await ctx.http.post(`/v1/sandbox/channels/${channel.id}/drop`).set(bearer(channel.key)).expect(200);
      await renewed;
      await channel.waitForChannelStatus('connected', 60_000);
      // subscribed again: WhatsApp answers the new subscription with the contact's presence
      await eventually(
        () =>
          api('get', `/${contact}`)
            .expect(200)
            .then((r) => r.body.updated_at as string),
        (at) => at > dropped,
      );
      for (const key of remembered) expect(await redis.ttl(key)).toBeGreaterThan(29 * 24 * 3600);
    },
    TEST_MS,
  );

  it(
    'waits for the phone to tell a newly paired channel its own name, and refuses while it has not',
    async () => {
      // Baileys drops an own presence without a word until it knows the account's push name, which the phone
      // sends a moment after pairing: here 1.5 s later, and for the second phone not within the test.
      const slow = newPhone();
      ctx.simulator.createPhone(digits(slow), { keyShareDelayMs: 1_500 });
      const linked = await ctx.newChannel({ paired: true, phone: slow });
      const online = seen((e) => e.phone === digits(slow) && e.state === 'available');
      await api('put', '/me', linked.key, linked.id).send({ presence: 'online' }).expect(200);
      await online;

      const silent = newPhone();
      ctx.simulator.createPhone(digits(silent), { keyShareDelayMs: 60_000 });
      const unnamed = await ctx.newChannel({ paired: true, phone: silent });
      const refused = await api('put', '/me', unnamed.key, unnamed.id).send({ presence: 'online' }).expect(409);
      expect(refused.body.error).toMatchObject({
        code: 'channel_unavailable',
        details: { reason: 'own_name_unknown', operation: 'presence.own' },
      });
      expect(await ctx.gw.app.get(PresenceStore).own(unnamed.id)).toBeNull();
    },
    TEST_MS,
  );

  it(
    'refuses bad input, other keys and channels without a live socket',
    async () => {
      expect((await api('put', '/me').send({ presence: 'away' }).expect(400)).body.error.code).toBe('invalid_request');
      expect((await api('post', '/not-a-number').send({ presence: 'typing' }).expect(400)).body.error.code).toBe('invalid_request');
      expect((await api('post', `/${newPhone()}`).send({ presence: 'dancing' }).expect(400)).body.error.code).toBe('invalid_request');
      await ctx.http.get(`/v1/channels/${channel.id}/presences/${newPhone()}`).expect(401);
      const stranger = await ctx.newAccount();
      expect((await api('get', `/${newPhone()}`, stranger.key).expect(404)).body.error.code).toBe('channel_not_found');
      const other = await ctx.newChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'idle' });
      const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: other.id });
      expect((await api('get', `/${newPhone()}`, scoped.key).expect(403)).body.error.code).toBe('channel_scoped_key');
      expect((await api('post', `/${newPhone()}/subscribe`, other.key, other.id).expect(409)).body.error.code).toBe('channel_unavailable');
      expect((await api('put', '/me', other.key, other.id).send({ presence: 'online' }).expect(409)).body.error.code).toBe(
        'channel_unavailable',
      );
    },
    TEST_MS,
  );
});
