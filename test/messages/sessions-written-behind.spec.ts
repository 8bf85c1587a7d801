import { AuthStateRepository } from '../../src/engine/auth-state/auth-state.repository';
import { MessageStatusService } from '../../src/modules/messages/message-status.service';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';

/**
 * A send's Signal session is written behind it (KeyWritesBehind): the channel's next message is encrypted and
 * leaves while the session before it is still being written, and a message is recorded `sent` only once its
 * session is stored.
 */
describe('Signal sessions written behind their sends', () => {
  const ctx = useTestContext();

  it('sends the next message of a channel before the previous session landed, and records each `sent` after its own', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const contact = ctx.simulator.createPhone(digits(to));
    // Signal names a session by its address: `<user>_<domain>.<device>` for a lid, `<user>.<device>` for a number
    const contactUsers = [`${contact.lid.split('@')[0]}_`, `${digits(to)}.`];
    const authState = ctx.gw.app.get(AuthStateRepository);
    const write = authState.write.bind(authState);
    /** Each write of the contact's session: when it landed (300 ms late). */
    const sessionWrites: Array<{ landedAt?: number; done: Promise<void> }> = [];
    const sessionsLate = jest.spyOn(authState, 'write').mockImplementation((channelId, entries) => {
      // the contact's session (`<number>.<device>`), not those the pairing may still be writing
      const contactSession = entries.some((entry) => entry.type === 'session' && contactUsers.some((user) => entry.keyId.startsWith(user)));
      if (channelId !== channel.id || !contactSession) return write(channelId, entries);
      const entry: (typeof sessionWrites)[number] = { done: Promise.resolve() };
      entry.done = new Promise((resolve) => setTimeout(resolve, 300))
        .then(() => write(channelId, entries))
        .then(() => void (entry.landedAt = Date.now()));
      sessionWrites.push(entry);
      return entry.done;
    });
    const sentAt = new Map<string, number>();
    const status = ctx.gw.app.get(MessageStatusService);
    const advance = status.advance.bind(status);
    const advances = jest.spyOn(status, 'advance').mockImplementation((row, target, options) => {
      if (target === 'sent') sentAt.set(row.id, Date.now());
      return advance(row, target, options);
    });
    try {
      let secondArrivedAt = 0;
      const secondArrives = ctx.simulator
        .waitForMessage(digits(to), (message) => message.content.type === 'text' && message.content.text === 'second', 15_000)
        .then(() => (secondArrivedAt = Date.now()));
      const first = (await channel.send({ type: 'text', to, text: 'first' })).body.message_id as string;
      const second = (await channel.send({ type: 'text', to, text: 'second' })).body.message_id as string;
      await eventually(
        () => ctx.prisma.message.findMany({ where: { id: { in: [first, second] } } }),
        (rows) => rows.length === 2 && rows.every((row) => row.sentAt !== null),
        15_000,
      );
      await secondArrives;
      await Promise.all(sessionWrites.map((each) => each.done));
      expect(ctx.simulator.received(digits(to)).map((message) => (message.content.type === 'text' ? message.content.text : ''))).toEqual([
        'first',
        'second',
      ]);
      expect(sessionWrites.length).toBeGreaterThanOrEqual(2);
      const [firstSession, secondSession] = sessionWrites;
      // the second message reached the contact while the first one's session was still on its way
      expect(secondArrivedAt).toBeLessThan(firstSession.landedAt!);
      expect(sentAt.get(first)).toBeGreaterThanOrEqual(firstSession.landedAt!);
      expect(sentAt.get(second)).toBeGreaterThanOrEqual(secondSession.landedAt!);
    } finally {
      sessionsLate.mockRestore();
      advances.mockRestore();
    }
  });
});
