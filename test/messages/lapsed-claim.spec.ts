import { AuthStateRepository } from '../../src/engine/auth-state/auth-state.repository';
import { MessageDispatcher } from '../../src/modules/messages/message-dispatcher';
import { MessageSweeper } from '../../src/modules/messages/message-sweeper';
import { MessagesRepository } from '../../src/modules/messages/messages.repository';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';

/**
 * A claim is a lease: a send that takes longer than it (a slow WhatsApp, many sends of the channel before it)
 * finds its message due again, and the sweeper queues it. The process sending it must not claim and send it a
 * second time.
 */
describe('A send whose claim lapsed while it was under way', () => {
  const ctx = useTestContext();

  it('is neither queued again by the sweeper nor claimed again by a job, and leaves once', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const authState = ctx.gw.app.get(AuthStateRepository);
    const dispatcher = ctx.gw.app.get(MessageDispatcher);
    const messages = ctx.gw.app.get(MessagesRepository);
    // The send does not return until the contact's Signal session is written: held here until the end of the
    // checks. Only the contact's (by phone number or LID): the channel's other sessions (the phone's own messages
    // to the new device) are written as they come, or decrypting them would hold the key store.
    ctx.simulator.createPhone(digits(to));
    const contactKeys = [digits(to), ctx.simulator.phone(digits(to)).lid.split('@')[0]];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const write = authState.write.bind(authState);
    const sessionsHeld = jest
      .spyOn(authState, 'write')
      .mockImplementation((channelId, entries) =>
        entries.some((entry) => entry.type === 'session' && contactKeys.some((key) => entry.keyId.includes(key)))
          ? released.then(() => write(channelId, entries))
          : write(channelId, entries),
      );
    const claims = jest.spyOn(messages, 'claimAll');
    const swept = jest.spyOn(dispatcher, 'enqueueMissing');
    try {
      const accepted = await channel.send({ type: 'text', to, text: 'once only' });
      const id = accepted.body.message_id as string;
      await ctx.simulator.waitForMessage(digits(to), (m) => m.content.type === 'text');
      // the lease runs out while the send is still under way
      await ctx.prisma.message.update({ where: { id }, data: { claimedUntil: new Date(Date.now() - 1_000) } });
      expect(await ctx.prisma.message.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'sending' });

      await ctx.gw.app.get(MessageSweeper).sweep([channel.id], 0);
      expect(swept.mock.calls.flatMap(([due]) => due.map((m) => m.id))).not.toContain(id);
      // a job for it (queued by another process' sweeper, or before the change above) comes to this process
      const again = dispatcher.dispatch({ messageId: id, channelId: channel.id });
      await eventually(
        async () => claims.mock.calls.filter(([ids]) => ids.includes(id)).length,
        (count) => count >= 1,
      );
      release();
      await again;
      await channel.waitForStatus(id, 'delivered');
      expect(claims.mock.calls.filter(([ids]) => ids.includes(id))).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ctx.simulator.received(digits(to))).toHaveLength(1);
      expect(
        await eventually(
          () => ctx.prisma.message.findUniqueOrThrow({ where: { id } }),
          (m) => m.attempts === 1,
        ),
      ).toBeTruthy();
    } finally {
      release();
      sessionsHeld.mockRestore();
      claims.mockRestore();
      swept.mockRestore();
    }
  });
});
