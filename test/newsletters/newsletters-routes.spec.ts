import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';
import { newslettersOf } from './support/newsletters';

/** The newsletter routes on a paired channel, each answered from WhatsApp (the simulator) and changing it. */
describe('Newsletters routes', () => {
  const ctx = useTestContext();

  it('creates a newsletter, reads it, previews it by link, renames it, sets its reactions, lists it and deletes it', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);

    const created = await api.post('', { name: 'Daily notes', description: 'One a day' }).expect(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^\d+@newsletter$/),
      name: 'Daily notes',
      description: 'One a day',
      invite_code: expect.any(String),
      invite_link: `https://whatsapp.com/channel/${created.body.invite_code}`,
      role: 'owner',
      muted: false,
      reactions: 'all',
      has_picture: false,
      state: 'ACTIVE',
      verified: false,
    });
    const id = created.body.id;
    expect(ctx.simulator.newsletter(id)).toMatchObject({ name: 'Daily notes', owner: digits(channel.phone) });

    expect((await api.get(`/${id}`).expect(200)).body).toMatchObject({ id, name: 'Daily notes', role: 'owner' });
    expect((await api.get(`/link/${created.body.invite_code}`).expect(200)).body).toMatchObject({ id, name: 'Daily notes' });

    const updated = await api.patch(`/${id}`, { name: 'Weekly notes', description: '', reactions: 'basic' }).expect(200);
    expect(updated.body).toMatchObject({ id, name: 'Weekly notes', description: null, reactions: 'basic' });
    expect(ctx.simulator.newsletter(id)).toMatchObject({ name: 'Weekly notes', description: '', reactionCodes: 'BASIC' });

    const list = await api.get('').expect(200);
    expect(list.body).toEqual({ data: [expect.objectContaining({ id, role: 'owner' })], has_more: false, next_cursor: null });

    expect((await api.delete(`/${id}`).expect(200)).body).toEqual({ newsletter_id: id, deleted: true });
    expect(ctx.simulator.newsletter(id)).toBeUndefined();
    expect((await api.get('').expect(200)).body.data).toEqual([]);
  });

  it('follows, mutes, unmutes and unfollows a contact’s newsletter, by id and by invite code', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const owner = newPhone();
    ctx.simulator.createPhone(digits(owner));
    const news = ctx.simulator.createNewsletter(digits(owner), 'Town news', 'What happens here');

    const preview = await api.get(`/${news.id}`).expect(200);
    expect(preview.body).toMatchObject({ id: news.id, name: 'Town news', role: 'guest', subscribers: 1 });

    expect((await api.post(`/${news.id}/subscription`).expect(200)).body).toEqual({ newsletter_id: news.id, following: true });
    expect(ctx.simulator.newsletter(news.id)!.followers).toEqual([{ phone: digits(channel.phone), muted: false }]);
    expect((await api.get(`/${news.id}`).expect(200)).body).toMatchObject({ role: 'subscriber', subscribers: 2 });

    expect((await api.post(`/${news.id}/mute`).expect(200)).body).toEqual({ newsletter_id: news.id, muted: true });
    expect((await api.get(`/${news.id}`).expect(200)).body.muted).toBe(true);
    expect((await api.delete(`/${news.id}/mute`).expect(200)).body).toEqual({ newsletter_id: news.id, muted: false });

    const listed = await api.get('').expect(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: news.id, role: 'subscriber' })]);

    expect((await api.delete(`/${news.id}/subscription`).expect(200)).body).toEqual({ newsletter_id: news.id, following: false });
    expect(ctx.simulator.newsletter(news.id)!.followers).toEqual([]);

    expect((await api.post(`/invite/${news.invite}/subscription`).expect(200)).body).toEqual({ newsletter_id: news.id, following: true });
    expect(ctx.simulator.newsletter(news.id)!.followers.map((f) => f.phone)).toEqual([digits(channel.phone)]);
    expect((await api.delete(`/invite/${news.invite}/subscription`).expect(200)).body).toEqual({
      newsletter_id: news.id,
      following: false,
    });
  });

  it('posts text through the plaintext newsletter path: followers get it, the post is listed and stored as a sent message', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const { id } = (await api.post('', { name: 'Announcements' }).expect(201)).body;
    const [ana, ben] = [newPhone(), newPhone()];
    for (const phone of [ana, ben]) {
      ctx.simulator.createPhone(digits(phone));
      ctx.simulator.followNewsletter(digits(phone), id);
    }

    const sent = await api.post(`/${id}/messages`, { type: 'text', text: 'We open at nine' }).expect(202);
    const message = await eventually(
      () => channel.message(sent.body.message_id),
      (m) => m.status === 'sent',
    );
    expect(message).toMatchObject({ chat_id: id, direction: 'outbound', text: 'We open at nine' });
    for (const phone of [ana, ben]) {
      const received = await ctx.simulator.waitForMessage(digits(phone), (m) => m.id === message.wa_message_id);
      expect(received).toMatchObject({ newsletter: id, from: digits(channel.phone), content: { type: 'text', text: 'We open at nine' } });
    }

    // the send route takes a newsletter as `to` the same way
    const again = await channel.send({ type: 'text', to: id, text: 'And close at five' });
    await eventually(
      () => channel.message(again.body.message_id),
      (m) => m.status === 'sent',
    );

    const posts = await api.get(`/${id}/messages?limit=1`).expect(200);
    expect(posts.body.data).toEqual([
      expect.objectContaining({ server_id: 101, type: 'text', text: 'And close at five', views: 0, reactions: [] }),
    ]);
    expect(posts.body.has_more).toBe(true);
    const older = await api.get(`/${id}/messages?limit=1&cursor=${posts.body.next_cursor}`).expect(200);
    expect(older.body).toEqual({
      data: [expect.objectContaining({ server_id: 100, message_id: message.wa_message_id, text: 'We open at nine' })],
      has_more: false,
      next_cursor: null,
    });
  });

  it('takes an admin’s rights away as the owner: they stay a follower, and a second demotion is not_found', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const { id } = (await api.post('', { name: 'Team news' }).expect(201)).body;
    const editor = newPhone();
    ctx.simulator.createPhone(digits(editor));
    ctx.simulator.addNewsletterAdmin(digits(channel.phone), id, digits(editor));
    expect(ctx.simulator.newsletter(id)!.admins).toEqual(expect.arrayContaining([digits(editor)]));

    expect((await api.delete(`/${id}/admins/${encodeURIComponent(editor)}`).expect(200)).body).toEqual({
      newsletter_id: id,
      contact: `${digits(editor)}@s.whatsapp.net`,
      demoted: true,
    });
    expect(ctx.simulator.newsletter(id)).toMatchObject({
      admins: [digits(channel.phone)],
      followers: [{ phone: digits(editor), muted: false }],
    });
    const again = await api.delete(`/${id}/admins/${encodeURIComponent(editor)}`).expect(404);
    expect(again.body.error.details.reason).toBe('newsletter_not_found');
  });

  it('runs a contact’s newsletter as its admin: posts reach the followers; deleting and demoting stay the owner’s', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const [owner, fan] = [newPhone(), newPhone()];
    for (const phone of [owner, fan]) ctx.simulator.createPhone(digits(phone));
    const news = ctx.simulator.createNewsletter(digits(owner), 'Shared desk');
    ctx.simulator.followNewsletter(digits(fan), news.id);
    ctx.simulator.addNewsletterAdmin(digits(owner), news.id, digits(channel.phone));
    expect((await api.get(`/${news.id}`).expect(200)).body.role).toBe('admin');

    const sent = await api.post(`/${news.id}/messages`, { type: 'text', text: 'From the admin' }).expect(202);
    const { wa_message_id: waId } = await eventually(
      () => channel.message(sent.body.message_id),
      (m) => m.status === 'sent',
    );
    const received = await ctx.simulator.waitForMessage(digits(fan), (m) => m.id === waId);
    expect(received).toMatchObject({ newsletter: news.id, from: digits(channel.phone), content: { text: 'From the admin' } });
    expect((await api.patch(`/${news.id}`, { description: 'Run together' }).expect(200)).body.description).toBe('Run together');

    for (const res of [await api.delete(`/${news.id}`), await api.delete(`/${news.id}/admins/${encodeURIComponent(owner)}`)]) {
      expect([res.status, res.body.error?.details?.reason]).toEqual([403, 'not_admin']);
    }
    expect(ctx.simulator.newsletter(news.id)).toMatchObject({ owner: digits(owner), admins: expect.arrayContaining([digits(owner)]) });
  });

  it('receives a followed newsletter’s post as message.received, in history, and reacts to it', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const owner = newPhone();
    ctx.simulator.createPhone(digits(owner));
    const news = ctx.simulator.createNewsletter(digits(owner), 'Weather');
    await api.post(`/${news.id}/subscription`).expect(200);

    const post = ctx.simulator.postToNewsletter(digits(owner), news.id, { type: 'text', text: 'Sunny all week' });
    const [received] = await eventually(
      () => channel.events('message.received'),
      (list) => list.length === 1,
    );
    expect(received).toMatchObject({ chat_id: news.id, message: { id: expect.any(String), text: 'Sunny all week', direction: 'inbound' } });
    const history = await channel.history({ chat: news.id });
    expect(history.data).toEqual([expect.objectContaining({ chat_id: news.id, wa_message_id: post.id, text: 'Sunny all week' })]);

    expect((await api.put(`/${news.id}/messages/${post.serverId}/reaction`, { emoji: '👍' }).expect(200)).body).toEqual({
      newsletter_id: news.id,
      server_id: post.serverId,
      emoji: '👍',
    });
    expect(ctx.simulator.newsletter(news.id)!.posts[0].reactions).toEqual({ [digits(channel.phone)]: '👍' });
    const listed = await api.get(`/${news.id}/messages`).expect(200);
    expect(listed.body.data[0]).toMatchObject({ server_id: post.serverId, reactions: [{ emoji: '👍', count: 1 }] });

    await api.delete(`/${news.id}/messages/${post.serverId}/reaction`).expect(200);
    expect(ctx.simulator.newsletter(news.id)!.posts[0].reactions).toEqual({});
  });
});
