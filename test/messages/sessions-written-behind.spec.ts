import { AuthStateRepository } from '../../src/engine/auth-state/auth-state.repository';
import { MessageStatusService } from '../../src/modules/messages/message-status.service';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';

/**
 * A send's Signal session is written behind it (KeyWritesBehind), so the channel's next message does not wait
 * for it (postgres-auth-state.spec.ts; bench:dispatch measures what it gives). What must hold end to end: a
 * message is recorded `sent` only once its session is stored. The channel's next message is not held back for
 * it here: a write Baileys makes outside a send (a trusted-contact token) can queue behind a held session write
 * and hold Baileys' key store, so when the second message leaves is not asserted.
 */
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Signal sessions written behind their sends', () => {
  const ctx = useTestContext();

  it('records each of a channel’s sends `sent` only after its session is stored, its sends in order', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const contact = ctx.simulator.createPhone(digits(to));
    // Signal names a session by its address: `<user>_<domain>.<device>` for a lid, `<user>.<device>` for a number
    const contactUsers = [`${contact.lid.split('@')[0]}_`, `${digits(to)}.`];
    const authState = ctx.gw.app.get(AuthStateRepository);
    const write = authState.write.bind(authState);
    /** Each write of the contact's session, and when it landed: 300 ms late. */
    const sessionWrites: Array<{ landedAt?: number; done: Promise<void> }> = [];
    const sessionsLate = jest.spyOn(authState, 'write').mockImplementation((channelId, entries) => {
      // the contact's session, not those the pairing may still be writing
      const contactSession = entries.some((entry) => entry.type === 'session' && contactUsers.some((user) => entry.keyId.startsWith(user)));
      if (channelId !== channel.id || !contactSession) return write(channelId, entries);
      const entry: (typeof sessionWrites)[number] = { done: Promise.resolve() };
      entry.done = delay(300)
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
      const first = (await channel.send({ type: 'text', to, text: 'first' })).body.message_id as string;
      const second = (await channel.send({ type: 'text', to, text: 'second' })).body.message_id as string;
      await eventually(
        () => ctx.prisma.message.findMany({ where: { id: { in: [first, second] } } }),
        (rows) => rows.length === 2 && rows.every((row) => row.sentAt !== null),
        15_000,
      );
      await Promise.all(sessionWrites.map((each) => each.done));
      expect(ctx.simulator.received(digits(to)).map((message) => (message.content.type === 'text' ? message.content.text : ''))).toEqual([
        'first',
        'second',
      ]);
      // Two writes, or one when both sessions waited behind another of the channel's writes and went together.
      expect(sessionWrites.length).toBeGreaterThanOrEqual(1);
      expect(sentAt.get(first)).toBeGreaterThanOrEqual(sessionWrites[0].landedAt!);
      expect(sentAt.get(second)).toBeGreaterThanOrEqual(sessionWrites[sessionWrites.length - 1].landedAt!);
    } finally {
      sessionsLate.mockRestore();
      advances.mockRestore();
    }
  });
});
