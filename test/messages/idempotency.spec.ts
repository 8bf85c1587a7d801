import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';
import { useTestContext } from '../support/context';

describe('client_ref idempotency', () => {
  const ctx = useTestContext();

  it('answers a repeat with the original message and its current status, and sends nothing', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    const first = await channel.send({ type: 'text', to: contact, text: 'once', client_ref: 'order-1' });
    await channel.waitForStatus(first.body.message_id, 'delivered');
    const again = await channel.send({ type: 'text', to: contact, text: 'once', client_ref: 'order-1' });
    expect(again.body).toEqual({ message_id: first.body.message_id, client_ref: 'order-1', status: 'delivered' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ctx.simulator.received(digits(contact)).filter((m) => m.content.type === 'text')).toHaveLength(1);
  });

  it('answers a repeat with the original message after the channel stopped, and refuses a new send there', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    const first = await channel.send({ type: 'text', to: contact, text: 'before the stop', client_ref: 'stop-1' });
    await channel.waitForStatus(first.body.message_id, 'delivered');
    await channel.http.post(`/v1/channels/${channel.id}/disconnect`).set(bearer(channel.key)).expect(200);

    const again = await channel.send({ type: 'text', to: contact, text: 'before the stop', client_ref: 'stop-1' });
    expect(again.body).toEqual({ message_id: first.body.message_id, client_ref: 'stop-1', status: 'delivered' });
    const fresh = await channel.send({ type: 'text', to: contact, text: 'after the stop', client_ref: 'stop-2' }, 409);
    expect(errorCode(fresh)).toBe('channel_unavailable');
    // a malformed send is told what is wrong with it, whatever the channel's state
    expect(errorCode(await channel.send({ type: 'text', to: contact, text: '' }, 400))).toBe('invalid_request');
  });

  it('turns 20 concurrent repeats into one message', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => channel.send({ type: 'text', to: contact, text: 'burst', client_ref: 'burst-1' })),
    );
    const ids = new Set(answers.map((a) => a.body.message_id));
    expect(ids.size).toBe(1);
    await ctx.simulator.waitForMessage(digits(contact));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ctx.simulator.received(digits(contact))).toHaveLength(1);
    const rows = await ctx.prisma.message.findMany({ where: { channelId: channel.id, clientRef: 'burst-1' } });
    expect(rows).toHaveLength(1);
    // Only the stored one moved its chat: the repeats' statements stored nothing and touched nothing.
    const chat = await ctx.prisma.chat.findUniqueOrThrow({ where: { channelId_jid: { channelId: channel.id, jid: rows[0].chatJid } } });
    expect(chat).toMatchObject({ lastMessageWaId: rows[0].waMessageId, lastMessageFromMe: true, unreadCount: 0 });
  });

  it('scopes client_ref to the channel and forgets it after the window', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    const first = await channel.send({ type: 'text', to: contact, text: 'old', client_ref: 'ref-w' });
    await ctx.prisma.message.update({ where: { id: first.body.message_id }, data: { createdAt: new Date(Date.now() - 25 * 3_600_000) } });
    const later = await channel.send({ type: 'text', to: contact, text: 'new', client_ref: 'ref-w' });
    expect(later.body.message_id).not.toBe(first.body.message_id);
    const repeat = await channel.send({ type: 'text', to: contact, text: 'new', client_ref: 'ref-w' });
    expect(repeat.body.message_id).toBe(later.body.message_id);
  });

  describe('tenant isolation and channel-scoped keys', () => {
    it("hides another customer's channel and messages, and holds a scoped key to its channel", async () => {
      const mine = await ctx.newChannel({ paired: true });
      const theirs = await ctx.newChannel({ paired: true });
      const sent = await theirs.send({ type: 'text', to: newPhone(), text: 'private' });
      const routes: Array<[string, string, object?]> = [
        ['post', `/v1/channels/${theirs.id}/messages`, { type: 'text', to: '+15550001234', text: 'x' }],
        ['post', `/v1/channels/${theirs.id}/messages/text`, { to: '+15550001234', text: 'x' }],
        ['get', `/v1/channels/${theirs.id}/messages`],
        ['get', `/v1/channels/${theirs.id}/messages/${sent.body.message_id}`],
        ['post', `/v1/channels/${theirs.id}/messages/${sent.body.message_id}/read`],
        ['get', `/v1/channels/${theirs.id}/chats`],
        ['patch', `/v1/channels/${theirs.id}/chats/15550001234`, { pinned: true }],
        ['get', `/v1/channels/${theirs.id}/contacts`],
        ['get', `/v1/channels/${theirs.id}/contacts/lids`],
        ['post', `/v1/channels/${theirs.id}/contacts/15550001234@s.whatsapp.net/profile`],
        ['post', `/v1/sandbox/channels/${theirs.id}/inbound`, { from: '+15550001234', type: 'text', text: 'x' }],
        ['get', `/v1/sandbox/channels/${theirs.id}/outbox`],
        ['post', `/v1/sandbox/channels/${theirs.id}/receipts`, { message_id: sent.body.message_id, status: 'read' }],
      ];
      const scoped = await ctx.gw.newKey({ customerId: mine.customerId, channelId: mine.id });
      const http = ctx.http as unknown as Record<string, (p: string) => import('supertest').Test>;
      for (const [method, path, body] of routes) {
        const res = await http[method](path)
          .set(bearer(mine.key))
          .send(body ?? {});
        expect({ path, code: errorCode(res) }).toEqual({ path, code: 'channel_not_found' });
        const own = path.replace(theirs.id, mine.id);
        const scopedRes = await http[method](own.replace(mine.id, theirs.id))
          .set(bearer(scoped.key))
          .send(body ?? {});
        expect({ path, code: errorCode(scopedRes) }).toEqual({ path, code: 'channel_scoped_key' });
      }
      const all = await ctx.http.get('/v1/messages').set(bearer(mine.key)).expect(200);
      expect(all.body.data.some((m: { id: string }) => m.id === sent.body.message_id)).toBe(false);
      const scopedAll = await ctx.http.get('/v1/messages').set(bearer(scoped.key)).expect(200);
      expect(scopedAll.body.data.every((m: { channel_id: string }) => m.channel_id === mine.id)).toBe(true);
    });
  });
});
