import { SessionManager } from '../../src/engine/session-manager';
import type { InboundWireMessage } from '../../src/engine/message-content';
import type { SessionEvent } from '../../src/engine/session-manager';
import { InboundMessages } from '../../src/modules/messages/inbound-messages';
import { bearer, errorCode } from '../support/http';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';
import { SAMPLES } from '../media/source-server';
import { useTestContext } from '../support/context';
import type { TestChannel } from '../support/channels';

describe('History, chats and contacts', () => {
  const ctx = useTestContext();
  let channel: TestChannel;
  beforeAll(async () => {
    channel = await ctx.newChannel({ paired: true });
  });

  /** Reports an event as if Baileys had emitted it on the channel's socket. */
  function engineEvent(event: SessionEvent): void {
    ctx.gw.app.get<SessionManager, { emit(id: string, e: SessionEvent): void }>(SessionManager).emit(channel.id, event);
  }
  const drained = async () => {
    await ctx.gw.app.get(SessionManager).delivered(channel.id);
    await ctx.gw.app.get(InboundMessages).drained(channel.id);
  };

  let seq = 0;
  function inboundText(from: string, text: string): SessionEvent {
    seq++;
    const jid = `${digits(from)}@s.whatsapp.net`;
    return {
      type: 'message',
      message: {
        key: { chatJid: jid, waMessageId: `TEST${Date.now()}${seq}`, fromMe: false },
        senderJid: jid,
        pushName: 'Gil',
        timestamp: new Date(),
        content: { type: 'text', text },
        offline: false,
      },
    };
  }

  it('stores an inbound message once even when it is delivered twice', async () => {
    const event = inboundText(newPhone(), 'twice') as Extract<SessionEvent, { type: 'message' }>;
    engineEvent(event);
    engineEvent({ type: 'message', message: { ...event.message, offline: true } });
    await drained();
    const waId = event.message.key.waMessageId;
    expect(await ctx.prisma.message.count({ where: { channelId: channel.id, waMessageId: waId } })).toBe(1);
    const events = await channel.events('message.received');
    expect(events.filter((p) => (p.message as { wa_message_id: string }).wa_message_id === waId)).toHaveLength(1);
  });

  it("stores a part of the phone's history once, in its order, without announcing it", async () => {
    const contact = newPhone();
    const jid = `${digits(contact)}@s.whatsapp.net`;
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 10, minutes));
    const key = (waMessageId: string, fromMe: boolean) => ({ chatJid: jid, waMessageId, fromMe });
    const past = (waMessageId: string, fromMe: boolean, minutes: number, content: InboundWireMessage['content']): InboundWireMessage => ({
      key: key(waMessageId, fromMe),
      senderJid: jid,
      ...(fromMe ? {} : { pushName: `Kim ${minutes}`, senderLid: `${minutes}7700@lid` }),
      timestamp: at(minutes),
      content,
      offline: false,
    });
    const id = `HIST${Date.now()}`;
    const part: InboundWireMessage[] = [
      past(`${id}A`, false, 1, { type: 'text', text: 'old question' }),
      // a reaction stored in the same part as the message it reacts to
      past(`${id}C`, true, 3, { type: 'reaction', target: key(`${id}A`, false), emoji: '👍' }),
      past(`${id}B`, true, 2, { type: 'text', text: 'old answer' }),
      past(`${id}D`, false, 4, { type: 'text', text: 'thanks' }),
    ];
    engineEvent({ type: 'history', messages: [...part, part[0]] });
    // the phone sent that part again
    engineEvent({ type: 'history', messages: part.slice(1) });
    await drained();

    const rows = await ctx.prisma.message.findMany({ where: { channelId: channel.id, chatJid: jid }, orderBy: { waTimestamp: 'asc' } });
    expect(rows.map((r) => [r.waMessageId, r.direction, r.status])).toEqual([
      [`${id}A`, 'inbound', 'received'],
      [`${id}B`, 'outbound', 'sent'],
      [`${id}C`, 'outbound', 'sent'],
      [`${id}D`, 'inbound', 'received'],
    ]);
    expect(rows[2].content).toEqual({ reaction: { message_id: rows[0].id, wa_message_id: `${id}A`, emoji: '👍' } });
    const chat = await channel.http.get(`/v1/channels/${channel.id}/chats/${jid}`).set(bearer(channel.key)).expect(200);
    expect(chat.body).toMatchObject({ last_message_at: at(4).toISOString(), unread_count: 0, unread: false });
    const person = await ctx.prisma.contact.findUnique({ where: { channelId_jid: { channelId: channel.id, jid } } });
    expect(person).toMatchObject({ pushName: 'Kim 4', lid: '47700@lid' });
    const announced = [...(await channel.events('message.received')), ...(await channel.events('message.reaction'))];
    expect(announced.filter((p) => p.chat_id === jid)).toEqual([]);
  });

  it('stores a location received from a simulated phone', async () => {
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Hal' });
    const waId = await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'location', latitude: 3, longitude: 4 });
    await eventually(
      () => ctx.prisma.message.count({ where: { channelId: channel.id, waMessageId: waId } }),
      (n) => n === 1,
    );
  });

  it('pages history newest first without losing or repeating messages while new ones arrive', async () => {
    const from = newPhone();
    for (let i = 0; i < 25; i++) engineEvent(inboundText(from, `before ${i}`));
    await drained();
    const chat = `${digits(from)}@s.whatsapp.net`;
    const seen: string[] = [];
    let cursor: string | undefined;
    let extra = 0;
    do {
      const page = await channel.history({ chat, limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((m: { text: string }) => m.text));
      cursor = page.next_cursor ?? undefined;
      engineEvent(inboundText(from, `during ${extra++}`));
      engineEvent(inboundText(from, `during ${extra++}`));
      await drained();
    } while (cursor);
    const before = seen.filter((t) => t.startsWith('before'));
    expect(new Set(seen).size).toBe(seen.length);
    expect(before).toEqual(Array.from({ length: 25 }, (_, i) => `before ${24 - i}`));
    const bad = await channel.http.get(`/v1/channels/${channel.id}/messages`).query({ limit: 101 }).set(bearer(channel.key)).expect(400);
    expect(errorCode(bad)).toBe('invalid_request');
    const badCursor = await channel.http.get('/v1/messages').query({ cursor: 'nope' }).set(bearer(channel.key)).expect(400);
    expect(errorCode(badCursor)).toBe('invalid_request');
  });

  it('filters history by chat, direction, type, status and time range, across channels on /v1/messages', async () => {
    const contact = newPhone();
    const sent = await channel.send({ type: 'location', to: contact, location: { latitude: 1, longitude: 2 } });
    const since = new Date(Date.now() - 60_000).toISOString();
    const filtered = await ctx.http
      .get('/v1/messages')
      .query({ chat: contact, direction: 'outbound', type: 'location', since })
      .set(bearer(channel.key))
      .expect(200);
    expect(filtered.body.data.map((m: { id: string }) => m.id)).toEqual([sent.body.message_id]);
    const none = await ctx.http.get('/v1/messages').query({ chat: contact, until: since }).set(bearer(channel.key)).expect(200);
    expect(none.body.data).toEqual([]);
    const byStatus = await ctx.http.get('/v1/messages').query({ chat: contact, status: 'failed' }).set(bearer(channel.key)).expect(200);
    expect(byStatus.body.data).toEqual([]);
  });

  it('keeps chat flags gateway-side, applies them on WhatsApp, and publishes chat events', async () => {
    const contact = newPhone();
    await channel.send({ type: 'text', to: contact, text: 'chat me' });
    const chatId = `${digits(contact)}@s.whatsapp.net`;
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const patched = await channel.http
      .patch(`/v1/channels/${channel.id}/chats/${chatId}`)
      .set(bearer(channel.key))
      .send({ pinned: true, archived: true, muted_until: until, unread: true, ephemeral_seconds: 86_400 })
      .expect(200);
    expect(patched.body).toMatchObject({
      id: chatId,
      pinned: true,
      archived: true,
      muted_until: until,
      unread: true,
      ephemeral_seconds: 86_400,
      applied_on_whatsapp: true,
    });
    const got = await channel.http
      .get(`/v1/channels/${channel.id}/chats/${encodeURIComponent(contact)}`)
      .set(bearer(channel.key))
      .expect(200);
    expect(got.body).toMatchObject({ pinned: true, archived: true, unread: true });
    const archived = await channel.http
      .get(`/v1/channels/${channel.id}/chats`)
      .query({ archived: 'true' })
      .set(bearer(channel.key))
      .expect(200);
    expect(archived.body.data.map((c: { id: string }) => c.id)).toContain(chatId);
    for (const type of ['chat.updated', 'chat.archived', 'chat.pinned']) {
      expect((await channel.events(type)).some((p) => p.chat_id === chatId && (p.chat as { id: string }).id === chatId)).toBe(true);
    }
    const unpinned = await channel.http
      .patch(`/v1/channels/${channel.id}/chats/${chatId}`)
      .set(bearer(channel.key))
      .send({ pinned: false, unread: false, muted_until: null })
      .expect(200);
    expect(unpinned.body).toMatchObject({ pinned: false, unread: false, unread_count: 0, muted_until: null });
    const empty = await channel.http.patch(`/v1/channels/${channel.id}/chats/${chatId}`).set(bearer(channel.key)).send({}).expect(400);
    expect(errorCode(empty)).toBe('invalid_request');
    await channel.http.delete(`/v1/channels/${channel.id}/chats/${chatId}`).set(bearer(channel.key)).expect(200);
    expect(errorCode(await channel.http.get(`/v1/channels/${channel.id}/chats/${chatId}`).set(bearer(channel.key)).expect(404))).toBe(
      'not_found',
    );
  });

  it('applies a chat change made right after pairing once the phone shared its app-state key', async () => {
    const slow = newPhone();
    ctx.simulator.createPhone(digits(slow), { keyShareDelayMs: 1_500 });
    const linked = await ctx.newChannel({ paired: true, phone: slow });
    const contact = newPhone();
    await linked.send({ type: 'text', to: contact, text: 'archive me' });
    const chatId = `${digits(contact)}@s.whatsapp.net`;
    const patched = await linked.http
      .patch(`/v1/channels/${linked.id}/chats/${chatId}`)
      .set(bearer(linked.key))
      .send({ archived: true })
      .expect(200);
    expect(patched.body).toMatchObject({ archived: true, applied_on_whatsapp: true });
    expect(ctx.simulator.appStateVersion(digits(slow), 'regular_low')).toBeGreaterThan(0);
  });

  it('writes the sender of an inbound message once, in the transaction that stores the message', async () => {
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Jo' });
    await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'text', text: 'once' });
    const jid = `${digits(contact)}@s.whatsapp.net`;
    const message = await eventually(
      () => ctx.prisma.message.findFirst({ where: { channelId: channel.id, senderJid: jid } }),
      (row) => row !== null,
    );
    // The engine reports the sender as a contact too, right after the message: that report is applied by now.
    await drained();
    // xmin is the transaction that last wrote a row: the contact's must be the message's.
    const [writers] = await ctx.prisma.$queryRaw<Array<{ contact: string; message: string }>>`
      SELECT c.xmin::text AS contact, m.xmin::text AS message FROM contacts c, messages m
      WHERE c.channel_id = ${channel.id}::uuid AND c.jid = ${jid} AND m.id = ${message!.id}`;
    expect(writers.contact).toBe(writers.message);
  });

  it('backfills contacts and the phone ↔ LID map, and refreshes a profile from WhatsApp', async () => {
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Ivy' });
    await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'text', text: 'hello' });
    const jid = `${digits(contact)}@s.whatsapp.net`;
    const contacts = await eventually(
      () =>
        channel.http
          .get(`/v1/channels/${channel.id}/contacts`)
          .query({ limit: 100 })
          .set(bearer(channel.key))
          .then((r) => r.body.data),
      (list: Array<{ id: string }>) => list.some((c) => c.id === jid),
    );
    // the envelope named her LID beside her phone number (WhatsApp addresses her by LID)
    expect(contacts.find((c: { id: string }) => c.id === jid)).toMatchObject({
      push_name: 'Ivy',
      phone_number: contact,
      lid: ctx.simulator.phone(digits(contact)).lid,
    });
    engineEvent({ type: 'contacts', contacts: [{ jid, lid: '987654321012345@lid' }] });
    await drained();
    const lids = await channel.http.get(`/v1/channels/${channel.id}/contacts/lids`).set(bearer(channel.key)).expect(200);
    expect(lids.body.data).toContainEqual({ phone_number: contact, jid, lid: '987654321012345@lid' });
    const profile = await channel.http.post(`/v1/channels/${channel.id}/contacts/${jid}/profile`).set(bearer(channel.key)).expect(201);
    expect(profile.body).toMatchObject({ id: jid, push_name: 'Ivy', on_whatsapp: true });
    expect(profile.body.profile_refreshed_at).not.toBeNull();
    const read = await channel.http
      .get(`/v1/channels/${channel.id}/contacts/${encodeURIComponent(contact)}/profile`)
      .set(bearer(channel.key))
      .expect(200);
    expect(read.body).toMatchObject({ id: jid, on_whatsapp: true });
  });

  it('keeps what it knew of a profile when WhatsApp fails to answer a part of it, and stores none only when told so', async () => {
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Kai' });
    ctx.simulator.setAbout(digits(contact), 'At the gym');
    ctx.simulator.setProfilePicture(digits(contact), SAMPLES.jpeg());
    const jid = `${digits(contact)}@s.whatsapp.net`;
    const refresh = (expected: number) =>
      channel.http.post(`/v1/channels/${channel.id}/contacts/${jid}/profile`).set(bearer(channel.key)).expect(expected);
    const known = (await refresh(201)).body;
    expect(known).toMatchObject({ about: 'At the gym', on_whatsapp: true });
    expect(known.picture_url).toEqual(expect.any(String));

    ctx.simulator.failPictureReads(digits(contact), 1);
    const failed = await refresh(502);
    expect(failed.body.error).toMatchObject({ code: 'other', details: { reason: 'whatsapp_error', operation: 'contacts.profile' } });
    // read from the database: a GET of the profile asks WhatsApp again
    const kept = await ctx.prisma.contact.findUniqueOrThrow({ where: { channelId_jid: { channelId: channel.id, jid } } });
    expect(kept).toMatchObject({ about: 'At the gym', pictureUrl: known.picture_url, profileAt: new Date(known.profile_refreshed_at) });

    // a picture removed is WhatsApp answering "none" (404): that is stored
    ctx.simulator.setProfilePicture(digits(contact), null);
    expect((await refresh(201)).body).toMatchObject({ about: 'At the gym', picture_url: null, on_whatsapp: true });
  });
});
