import type { WhatsAppSimulator } from '../../src/simulator';
import { useTestContext } from '../support/context';
import { digits, newPhone } from '../support/phones';
import { groupsOf } from './support/groups';

interface IqSeen {
  phone: string;
  xmlns: string;
  tag: string;
}

/**
 * Every IQ request the simulator receives from now on, with the account that sent it. The simulator has no
 * request log of its own, so its IQ dispatcher (the one entry point of every request) is wrapped.
 */
function recordIqs(simulator: WhatsAppSimulator): { seen: IqSeen[]; stop: () => void } {
  type Node = { attrs: Record<string, string>; content?: unknown };
  type Handlers = { iq: (connection: unknown, session: { kind: string; account?: { jid: string } }, node: Node) => Promise<void> };
  const handlers = (simulator as unknown as { net: { handlers: Handlers } }).net.handlers;
  const original = handlers.iq;
  const seen: IqSeen[] = [];
  handlers.iq = (connection, session, node) => {
    const child = Array.isArray(node.content) ? (node.content[0] as { tag?: string } | undefined) : undefined;
    if (session.kind === 'companion')
      seen.push({ phone: session.account!.jid.split('@')[0], xmlns: node.attrs.xmlns, tag: child?.tag ?? '' });
    return original.call(handlers, connection, session, node);
  };
  return { seen, stop: () => (handlers.iq = original) };
}

/** Listing many groups is one request to WhatsApp: no per-group metadata or picture fetches. */
describe('Group list', () => {
  const ctx = useTestContext();

  it('lists 200 groups in pages with a single request to WhatsApp per list call', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const [ana, ben] = [newPhone(), newPhone()];
    for (const phone of [ana, ben]) ctx.simulator.createPhone(digits(phone));
    const created = new Set<string>();
    for (let i = 0; i < 200; i++) {
      created.add(ctx.simulator.createGroup(digits(i % 2 ? ana : ben), `Group ${i}`, [digits(channel.phone)]).id);
    }

    const recorder = recordIqs(ctx.simulator);
    const api = groupsOf(channel);
    const listed: string[] = [];
    let cursor: string | null = null;
    let calls = 0;
    try {
      do {
        const page: { data: Array<{ id: string }>; next_cursor: string | null } = (
          await api.get(`?limit=100${cursor ? `&cursor=${cursor}` : ''}`).expect(200)
        ).body;
        listed.push(...page.data.map((g) => g.id));
        cursor = page.next_cursor;
        calls++;
      } while (cursor);
    } finally {
      recorder.stop();
    }
    expect(calls).toBe(2);
    expect(new Set(listed)).toEqual(created);
    expect([...listed].sort()).toEqual(listed);
    const groupRequests = recorder.seen.filter(
      (iq) => iq.phone === digits(channel.phone) && ['w:g2', 'w:profile:picture'].includes(iq.xmlns),
    );
    expect(groupRequests).toEqual([
      { phone: digits(channel.phone), xmlns: 'w:g2', tag: 'participating' },
      { phone: digits(channel.phone), xmlns: 'w:g2', tag: 'participating' },
    ]);
  }, 120_000);
});
