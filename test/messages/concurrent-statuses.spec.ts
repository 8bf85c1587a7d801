import { Outbox } from '../../src/modules/events/outbox';
import { MessageStatusService } from '../../src/modules/messages/message-status.service';
import { type MessageRow, MessagesRepository, type OutboundInsert } from '../../src/modules/messages/messages.repository';
import { ChatsService } from '../../src/modules/chats/chats.service';
import { newId } from '../../src/platform/ids';
import { useTestContext } from '../support/context';
import { bearer } from '../support/http';
import { Receiver } from '../webhooks/support/receiver';

/**
 * Status changes of several messages that come while others are being written share a statement with their
 * events and webhook deliveries: each change still applies only to the status it was decided on, and its
 * events (and their deliveries) are written only with it.
 */
describe('Concurrent status changes', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  async function queuedMessages(channel: { id: string; customerId: string }, count: number): Promise<MessageRow[]> {
    const chatJid = '15550000003@s.whatsapp.net';
    const sends: OutboundInsert[] = Array.from({ length: count }, (_, n) => ({
      id: newId('msg'),
      customerId: channel.customerId,
      channelId: channel.id,
      mode: 'live',
      direction: 'outbound',
      chatJid,
      type: 'text',
      content: { text: `status ${n}` },
      reactionTarget: null,
      status: 'queued',
      waMessageId: `3EB0${newId('x').slice(-18).toUpperCase()}`,
      clientRef: null,
      clientRefKey: null,
      correlationId: `req_status_${n}`,
      waTimestamp: new Date(),
    }));
    const chats = ctx.gw.app.get(ChatsService);
    const rows = await ctx.gw.app.get(MessagesRepository).insertOutboundIfNew(sends, (from) => chats.touchFromRows(from));
    return rows.map((row) => row!);
  }

  async function eventsOf(
    channelId: string,
  ): Promise<Array<{ id: string; type: string; messageId: string; correlationId: string | null }>> {
    return ctx.prisma.$queryRaw`
      SELECT id, type, payload->>'message_id' AS "messageId", correlation_id AS "correlationId"
      FROM domain_events WHERE channel_id = ${channelId} ORDER BY seq`;
  }

  it('writes many at once in fewer statements, each with its own events and deliveries, and none for a change that lost its race', async () => {
    const channel = await ctx.newChannel();
    await ctx.gw.http
      .post('/v1/webhooks')
      .set(bearer(channel.key))
      .send({ url: receiver.url('/statuses'), channel_id: channel.id, events: ['message.sent', 'message.delivered'] })
      .expect(201);
    const status = ctx.gw.app.get(MessageStatusService);
    const statements = jest.spyOn(ctx.gw.app.get(Outbox), 'runEachAsOne');
    const messages = await queuedMessages(channel, 30);
    // One of them moved on since it was read: the change decided on the old row must not apply, nor announce.
    const stale = messages[29];
    await ctx.prisma.message.update({ where: { id: stale.id }, data: { status: 'failed', failureReason: 'elsewhere' } });
    // And one is both sent and delivered at once: two changes of one message, decided on the same row.
    const twice = messages[0];
    const results = await Promise.all([...messages.map((row) => status.advance(row, 'sent')), status.advance(twice, 'delivered')]);
    const batches = statements.mock.calls.map(([units]) => units.length);
    statements.mockRestore();

    expect(results.slice(1, 29).map((row) => row.status)).toEqual(Array(28).fill('sent'));
    expect(results[29]).toMatchObject({ id: stale.id, status: 'failed', failureReason: 'elsewhere' });
    expect(results[30]).toMatchObject({ id: twice.id, status: 'delivered' });
    expect(batches.length).toBeLessThan(results.length);

    const stored = await ctx.prisma.message.findMany({ where: { channelId: channel.id } });
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const row of messages.slice(1, 29)) {
      expect(byId.get(row.id)).toMatchObject({ status: 'sent', claimedUntil: null, deliveredAt: null });
      expect(byId.get(row.id)?.sentAt).toBeInstanceOf(Date);
    }
    expect(byId.get(stale.id)).toMatchObject({ status: 'failed', sentAt: null });
    expect(byId.get(twice.id)).toMatchObject({ status: 'delivered' });

    // Each written change announced once, in order for the message sent and delivered; nothing for the stale one.
    const events = await eventsOf(channel.id);
    const sent = events.filter((event) => event.type === 'message.sent').map((event) => event.messageId);
    expect(sent.sort()).toEqual(
      messages
        .slice(0, 29)
        .map((row) => row.id)
        .sort(),
    );
    expect(events.filter((event) => event.messageId === twice.id).map((event) => event.type)).toEqual([
      'message.sent',
      'message.delivered',
    ]);
    expect(events.filter((event) => event.messageId === stale.id)).toEqual([]);
    for (const event of events.filter((each) => each.messageId !== twice.id)) {
      expect(event.correlationId).toBe(messages.find((row) => row.id === event.messageId)?.correlationId);
    }

    // One delivery an event for the endpoint, no more, none without its event.
    const deliveries = await ctx.prisma.webhookDelivery.findMany({ where: { channelId: channel.id }, select: { domainEventId: true } });
    expect(deliveries.map((delivery) => delivery.domainEventId).sort()).toEqual(events.map((event) => event.id).sort());
  });

  it('writes a batch of changes in one statement, each only where its message still has the status it was decided on', async () => {
    const channel = await ctx.newChannel();
    const repository = ctx.gw.app.get(MessagesRepository);
    const [first, second, third] = await queuedMessages(channel, 3);
    const at = new Date(Date.now() - 60_000);
    const rows = await ctx.gw.app.get(Outbox).runEachAsOne<MessageRow>(
      [first, second, third].map((row) => ({ key: row.id, publish: () => undefined })),
      repository.transitionsStatement(
        [
          { id: first.id, from: 'queued', changes: { status: 'sent', sentAt: at, claimedUntil: null } },
          { id: second.id, from: 'sending', changes: { status: 'sent', sentAt: at } },
          { id: third.id, from: 'queued', changes: { status: 'failed', failureReason: 'refused', claimedUntil: null } },
        ],
        new Date(),
      ),
    );
    expect(rows.map((row) => row?.status ?? null)).toEqual(['sent', null, 'failed']);
    expect(rows[0]).toMatchObject({ sentAt: at, failureReason: null, deliveredAt: null });
    expect(rows[2]).toMatchObject({ failureReason: 'refused', sentAt: null });
    expect(await repository.find(second.id)).toMatchObject({ status: 'queued', sentAt: null });
  });
});
