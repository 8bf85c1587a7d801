import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';
import { newslettersOf } from './support/newsletters';

/** Followers' reactions to the channel's own posts: WhatsApp tells the admins, the gateway stores and publishes them. */
describe('Newsletter reactions', () => {
  const ctx = useTestContext();

  it('a follower’s reaction to a post arrives as message.reaction in the newsletter’s chat, aimed at the post', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const api = newslettersOf(channel);
    const { id } = (await api.post('', { name: 'Reactions' }).expect(201)).body;
    const fan = newPhone();
    ctx.simulator.createPhone(digits(fan));
    ctx.simulator.followNewsletter(digits(fan), id);

    const sent = await api.post(`/${id}/messages`, { type: 'text', text: 'Like this?' }).expect(202);
    await eventually(
      () => channel.message(sent.body.message_id),
      (m) => m.status === 'sent',
    );
    const { serverId } = ctx.simulator.newsletter(id)!.posts[0];
    ctx.simulator.reactToNewsletterPost(digits(fan), id, serverId, '❤️');

    const [reaction] = await eventually(
      () => channel.events('message.reaction'),
      (list) => list.length === 1,
    );
    expect(reaction).toMatchObject({
      chat_id: id,
      message: { chat_id: id, direction: 'inbound', reaction: { message_id: sent.body.message_id, emoji: '❤️' } },
    });
    const history = await channel.history({ chat: id, type: 'reaction' });
    expect(history.data).toEqual([expect.objectContaining({ type: 'reaction', chat_id: id })]);
  });
});
