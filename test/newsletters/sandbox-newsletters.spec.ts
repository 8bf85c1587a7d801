import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { newslettersOf, sandboxNewslettersOf } from './support/newsletters';

/** Test keys drive simulated contacts owning, following and posting to newsletters, as people do on their phones. */
describe('Sandbox newsletters', () => {
  const ctx = useTestContext();

  it('a contact creates a newsletter, the channel follows it and receives its post as message.received', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const sandbox = sandboxNewslettersOf(channel);
    const ana = newPhone();
    const created = await sandbox.post('', { from: ana, name: 'Ana’s recipes' }).expect(201);
    expect(created.body).toMatchObject({ newsletter_id: expect.stringMatching(/@newsletter$/), owner: ana, followers: [] });
    const id = created.body.newsletter_id;

    await newslettersOf(channel).post(`/invite/${created.body.invite_code}/subscription`).expect(200);
    const posted = await sandbox.post(`/${id}/messages`, { from: ana, text: 'Lentil soup tonight' }).expect(202);
    expect(posted.body).toEqual({ newsletter_id: id, from: ana, wa_message_id: expect.any(String), server_id: 100 });

    const [received] = await eventually(
      () => channel.events('message.received'),
      (list) => list.length === 1,
    );
    expect(received).toMatchObject({ chat_id: id, message: { text: 'Lentil soup tonight' } });
  });

  it('a contact follows the channel’s newsletter and gets its posts', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const { id } = (await newslettersOf(channel).post('', { name: 'Shop news' }).expect(201)).body;
    const ben = newPhone();
    const followed = await sandboxNewslettersOf(channel).post(`/${id}/followers`, { from: ben }).expect(200);
    expect(followed.body.followers).toEqual([ben]);
    const sent = await newslettersOf(channel).post(`/${id}/messages`, { type: 'text', text: 'Sale on Friday' }).expect(202);
    const { wa_message_id: waId } = await eventually(
      () => channel.message(sent.body.message_id),
      (m) => m.status === 'sent',
    );
    const received = await ctx.simulator.waitForMessage(digits(ben), (m) => m.id === waId);
    expect(received).toMatchObject({ newsletter: id, content: { text: 'Sale on Friday' } });
  });

  it('refuses live keys, unknown newsletters, and posts by someone who does not run the newsletter', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const sandbox = sandboxNewslettersOf(channel);
    const ana = newPhone();
    const { newsletter_id: id } = (await sandbox.post('', { from: ana, name: 'Ana' }).expect(201)).body;

    const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
    const res = await channel.http
      .post(`/v1/sandbox/channels/${channel.id}/newsletters`)
      .set(bearer(live.key))
      .send({ from: ana, name: 'x' });
    expect([res.status, errorCode(res)]).toEqual([403, 'channel_access_denied']);

    expect(errorCode(await sandbox.post('', { from: 'nobody', name: 'x' }).expect(400))).toBe('invalid_request');
    expect(errorCode(await sandbox.post('/120363400000000009@newsletter/messages', { from: ana, text: 'x' }).expect(404))).toBe(
      'not_found',
    );
    const refused = await sandbox.post(`/${id}/messages`, { from: newPhone(), text: 'not mine' }).expect(403);
    expect(refused.body.error.details.reason).toBe('not_admin');
    await sandbox.post(`/${id}/followers`, { from: digits(channel.phone) }).expect(200);
    const again = await sandbox.post(`/${id}/followers`, { from: digits(channel.phone) }).expect(409);
    expect(again.body.error.details.reason).toBe('already_following');
  });
});
