import { AuthStateRepository } from '../../src/engine/auth-state/auth-state.repository';
import { MessageStatusService } from '../../src/modules/messages/message-status.service';
import { RecentlySent } from '../../src/modules/messages/recently-sent';
import { MessagesRepository } from '../../src/modules/messages/messages.repository';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { newPhone } from '../support/phones';

/**
 * Baileys writes a message's Signal session after the message has left, so its receipts can come before the
 * send returns. Such a receipt waits for the send's `sent` write and starts from its row: without that it
 * started from the claimed row, wrote `delivered`, and the `sent` write then found the message moved on and
 * read it again.
 */
describe('A receipt that comes before its send returns', () => {
  const ctx = useTestContext();

  it('is written after `sent`, from the row `sent` wrote, without reading the message again', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const authState = ctx.gw.app.get(AuthStateRepository);
    // The gateway looking the receipt's message up: the receipt is in.
    let receiptIn!: () => void;
    const receiptArrived = new Promise<void>((resolve) => (receiptIn = resolve));
    const recentlySent = ctx.gw.app.get(RecentlySent);
    const find = recentlySent.find.bind(recentlySent);
    const lookups = jest.spyOn(recentlySent, 'find').mockImplementation((channelId, waMessageId) => {
      receiptIn();
      return find(channelId, waMessageId);
    });
    const write = authState.write.bind(authState);
    // The session is written once the receipt is in (5 s at most), so the send returns after it.
    const sessionWrites: Array<Promise<void>> = [];
    const sessionsLate = jest.spyOn(authState, 'write').mockImplementation((channelId, entries) => {
      if (!entries.some((entry) => entry.type === 'session')) return write(channelId, entries);
      const late = Promise.race([receiptArrived, new Promise((resolve) => setTimeout(resolve, 5_000))]).then(() =>
        write(channelId, entries),
      );
      sessionWrites.push(late);
      return late;
    });
    const advances = jest.spyOn(ctx.gw.app.get(MessageStatusService), 'advance');
    const receipts = jest.spyOn(MessagesRepository.prototype, 'findByWaId');
    const rereads = jest.spyOn(MessagesRepository.prototype, 'find');
    try {
      const accepted = await channel.send({ type: 'text', to, text: 'receipt first' });
      const id = accepted.body.message_id as string;
      // watched in the database: the API's reads would go through the repository too
      const row = await eventually(
        () => ctx.prisma.message.findUniqueOrThrow({ where: { id } }),
        (message) => message.status === 'delivered',
        15_000,
      );
      expect(sessionWrites.length).toBeGreaterThan(0);
      // The send returns once its session is written, then records `sent`: wait for that write too.
      await Promise.all(sessionWrites);
      await eventually(
        async () => advances.mock.calls.some(([message, status]) => message.id === id && status === 'sent'),
        (called) => called,
        5_000,
      );
      await Promise.all(advances.mock.results.map((result) => result.value as Promise<unknown>));
      expect(row.sentAt).not.toBeNull();
      expect(row.sentAt!.getTime()).toBeLessThanOrEqual(row.deliveredAt!.getTime());
      expect(rereads.mock.calls.filter(([messageId]) => messageId === id)).toEqual([]);
      expect(receipts).not.toHaveBeenCalled();
    } finally {
      sessionsLate.mockRestore();
      lookups.mockRestore();
      advances.mockRestore();
      receipts.mockRestore();
      rereads.mockRestore();
    }
  });
});
