import { MessageStatusService } from '../../src/modules/messages/message-status.service';
import { newId } from '../../src/platform/ids';
import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';

/**
 * WhatsApp's server refuses some messages in its ack (a community's own chat, a group the channel may not post
 * in). The ack can come back before the send has recorded `sent`: consumers still see sent, then failed.
 */
describe('A message refused in WhatsApp’s ack', () => {
  const ctx = useTestContext();
  let channel: TestChannel;

  beforeAll(async () => {
    channel = await ctx.newChannel();
  });

  /** An outbound message as the send path stores it, before the socket's answer is recorded. */
  async function queuedMessage() {
    const row = await ctx.prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    return ctx.prisma.message.create({
      data: {
        id: newId('msg'),
        customerId: row.customerId,
        channelId: channel.id,
        mode: row.mode,
        direction: 'outbound',
        chatJid: '120363000000000001@g.us',
        type: 'text',
        content: { text: 'hello community' },
        status: 'queued',
        waMessageId: `3EB0${newId('x').slice(-18)}`,
        waTimestamp: new Date(),
      },
    });
  }

  const eventsOf = async (messageId: string) =>
    (await ctx.prisma.domainEvent.findMany({ where: { channelId: channel.id }, orderBy: { seq: 'asc' } }))
      .filter((event) => (event.payload as { message_id?: string }).message_id === messageId)
      .map((event) => event.type);

  it('fills in sent before failed when the refusal comes before the send recorded it', async () => {
    const message = await queuedMessage();
    const failed = await ctx.gw.app
      .get(MessageStatusService)
      .advance(message, 'failed', { refusedAfterSend: true, reason: 'whatsapp_error: 403' });
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'whatsapp_error: 403' });
    expect(failed.sentAt).toBeInstanceOf(Date);
    expect(await eventsOf(message.id)).toEqual(['message.sent', 'message.failed']);
    expect((await channel.events('message.failed')).map((p) => p.message_id)).toContain(message.id);

    // the send's own answer, arriving late, changes nothing
    await ctx.gw.app.get(MessageStatusService).advance(failed, 'sent');
    expect(await eventsOf(message.id)).toEqual(['message.sent', 'message.failed']);
  });

  it('fails a message that never left without a sent event', async () => {
    const message = await queuedMessage();
    await ctx.gw.app.get(MessageStatusService).advance(message, 'failed', { reason: 'recipient_not_on_whatsapp' });
    expect(await eventsOf(message.id)).toEqual(['message.failed']);
  });
});
