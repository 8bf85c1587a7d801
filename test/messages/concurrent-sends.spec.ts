import { ChatsService } from '../../src/modules/chats/chats.service';
import { MessagesRepository, type OutboundInsert } from '../../src/modules/messages/messages.repository';
import { newId } from '../../src/platform/ids';
import { useTestContext } from '../support/context';
import { bearer } from '../support/http';
import { digits, newPhone } from '../support/phones';

/**
 * Sends accepted while others are being stored go in one statement: one commit for many, and one touch of
 * their chat by the latest, instead of a queue of commits on the chat's row.
 */
describe('Concurrent sends', () => {
  const ctx = useTestContext();

  /** When each stored message's transaction began (to the millisecond): rows stored by one statement share it. */
  async function commitsOf(channelId: string): Promise<number> {
    const [{ commits }] = await ctx.prisma.$queryRaw<Array<{ commits: number }>>`
      SELECT count(DISTINCT created_at)::int AS commits FROM messages WHERE channel_id = ${channelId}::uuid`;
    return commits;
  }

  async function chatRow(channelId: string, jid: string) {
    return ctx.prisma.chat.findUniqueOrThrow({ where: { channelId_jid: { channelId, jid } } });
  }

  it('accepts sends to one chat at once, each once per client_ref, stored together, the chat on the latest, and sends them all', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Burst' });
    const count = 40;
    const send = (n: number, clientRef = `burst-${n}`) =>
      ctx.http
        .post(`/v1/channels/${channel.id}/messages`)
        .set(bearer(channel.key))
        .send({ type: 'text', to: contact, text: `burst ${n}`, client_ref: clientRef });
    const statements = jest.spyOn(ctx.gw.app.get(MessagesRepository), 'insertOutboundIfNew');
    const claims = jest.spyOn(ctx.gw.app.get(MessagesRepository), 'claimAll');
    // Two repeats of the first client_ref in the same burst: one message for the three.
    const answers = await Promise.all([...Array.from({ length: count }, (_, n) => send(n)), send(0), send(0)]);
    const batches = statements.mock.calls.map(([sends]) => sends.length);
    statements.mockRestore();
    for (const answer of answers) expect(answer.status).toBe(202);
    const ids = answers.map((answer) => answer.body.message_id as string);
    expect(new Set(ids.slice(0, count)).size).toBe(count);
    expect(ids.slice(count)).toEqual([ids[0], ids[0]]);

    const stored = await ctx.prisma.message.findMany({
      where: { channelId: channel.id },
      orderBy: [{ waTimestamp: 'desc' }, { id: 'desc' }],
    });
    expect(stored.map((row) => row.id).sort()).toEqual([...ids.slice(0, count)].sort());
    // Every message went through a statement (a repeat too, unless it found the original stored before)...
    const written = batches.reduce((sum, size) => sum + size, 0);
    expect(written).toBeGreaterThanOrEqual(count);
    expect(written).toBeLessThanOrEqual(count + 2);
    // ...and sends went together: fewer statements than sends.
    expect(batches.length).toBeLessThan(count);
    // The chat is on the latest send: one of those of the last millisecond (between two statements under way at
    // once, sends of one millisecond are told apart by which was written last).
    const chat = await chatRow(channel.id, `${digits(contact)}@s.whatsapp.net`);
    const latest = stored.filter((row) => row.waTimestamp.getTime() === stored[0].waTimestamp.getTime());
    expect(latest.map((row) => row.waMessageId)).toContain(chat.lastMessageWaId);
    expect(chat).toMatchObject({ lastMessageFromMe: true, unreadCount: 0 });
    expect(chat.lastMessageAt?.getTime()).toBe(stored[0].waTimestamp.getTime());

    const texts = new Set<string>();
    await ctx.simulator.waitForMessage(
      digits(contact),
      (message) => {
        if (message.content.type === 'text') texts.add(message.content.text);
        return texts.size === count;
      },
      60_000,
    );
    // Sends starting while others were being claimed were claimed together too, each message once.
    const claimBatches = claims.mock.calls.map(([claimed]) => claimed);
    claims.mockRestore();
    expect(claimBatches.flat().sort()).toEqual([...ids.slice(0, count)].sort());
    expect(claimBatches.length).toBeLessThan(count);
  });

  it('claims a batch in one statement: each queued message once, by its first place; none that is taken or done', async () => {
    const channel = await ctx.newChannel();
    const repository = ctx.gw.app.get(MessagesRepository);
    const chats = ctx.gw.app.get(ChatsService);
    const queued = (n: number): OutboundInsert => ({
      id: newId('msg'),
      customerId: channel.customerId,
      channelId: channel.id,
      mode: 'live',
      direction: 'outbound',
      chatJid: '15550000003@s.whatsapp.net',
      type: 'text',
      content: { text: `claim ${n}` },
      reactionTarget: null,
      status: 'queued',
      waMessageId: `3EB1${String(n).padStart(16, '0')}`,
      clientRef: null,
      clientRefKey: null,
      correlationId: 'req_claims',
      waTimestamp: new Date(),
    });
    const [a, b, taken, done] = [queued(1), queued(2), queued(3), queued(4)];
    await repository.insertOutboundIfNew([a, b, taken, done], (from) => chats.touchFromRows(from));
    await repository.claimAll([taken.id], 60_000);
    await ctx.prisma.message.update({ where: { id: done.id }, data: { status: 'sent' } });

    const rows = await repository.claimAll([a.id, taken.id, b.id, a.id, done.id, 'msg_none'], 60_000);
    expect(rows.map((row) => row?.id ?? null)).toEqual([a.id, null, b.id, null, null, null]);
    expect(rows[0]).toMatchObject({ status: 'sending', attempts: 1, content: { text: 'claim 1' } });
    expect(rows[0]?.claimedUntil?.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // a lease run out is taken again, the attempt counted
    await ctx.prisma.message.update({ where: { id: taken.id }, data: { claimedUntil: new Date(Date.now() - 1) } });
    expect(await repository.claimAll([taken.id], 60_000)).toEqual([expect.objectContaining({ id: taken.id, attempts: 2 })]);
  });

  it('stores a batch in one statement: a repeated client_ref gives null, each chat touched once by its latest send', async () => {
    const channel = await ctx.newChannel();
    const repository = ctx.gw.app.get(MessagesRepository);
    const chats = ctx.gw.app.get(ChatsService);
    const base = Date.now();
    const send = (chatJid: string, at: number, clientRef: string | null): OutboundInsert => ({
      id: newId('msg'),
      customerId: channel.customerId,
      channelId: channel.id,
      mode: 'live',
      direction: 'outbound',
      chatJid,
      type: 'text',
      content: { text: `at ${at}` },
      reactionTarget: null,
      status: 'queued',
      waMessageId: `3EB0${String(at).padStart(16, '0')}`,
      clientRef,
      clientRefKey: clientRef,
      correlationId: 'req_batch',
      waTimestamp: new Date(base + at),
    });
    const first = '15550000001@s.whatsapp.net';
    const second = '15550000002@s.whatsapp.net';
    // The later send to the first chat comes first in the batch: the chat takes the latest, not the last written.
    const batch = [send(first, 20, 'late'), send(first, 10, 'early'), send(first, 30, 'late'), send(second, 5, null)];
    const rows = await repository.insertOutboundIfNew(batch, (from) => chats.touchFromRows(from));

    expect(rows.map((row) => row?.id ?? null)).toEqual([batch[0].id, batch[1].id, null, batch[3].id]);
    expect(rows[0]).toMatchObject({
      channelId: channel.id,
      chatJid: first,
      status: 'queued',
      clientRefKey: 'late',
      content: { text: 'at 20' },
    });
    expect(await chatRow(channel.id, first)).toMatchObject({ lastMessageWaId: batch[0].waMessageId, lastMessageFromMe: true });
    expect(await chatRow(channel.id, second)).toMatchObject({ lastMessageWaId: batch[3].waMessageId });
    expect(await commitsOf(channel.id)).toBe(1);

    // Nothing new: no row, and the chats stay as they were.
    const again = await repository.insertOutboundIfNew([{ ...send(first, 40, 'late') }], (from) => chats.touchFromRows(from));
    expect(again).toEqual([null]);
    expect(await chatRow(channel.id, first)).toMatchObject({ lastMessageWaId: batch[0].waMessageId });
  });
});
