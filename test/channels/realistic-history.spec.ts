import { WhatsAppSimulator } from '../../src/simulator';
import { ChannelClient, TestChannel } from '../support/channels';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { TestGateway } from '../support/gateway';
import { bearer } from '../support/http';
import { newPhone } from '../support/phones';

const SIZE = { contacts: 12, groups: 3, messages: 45 };

/** Every item of a paged list of the API, following its cursors. */
async function all<T>(gw: TestGateway, key: string, url: string, query: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await gw.http
      .get(url)
      .query({ ...query, limit: '100', ...(cursor ? { cursor } : {}) })
      .set(bearer(key))
      .expect(200);
    items.push(...(page.body.data as T[]));
    cursor = page.body.next_cursor as string | null;
  } while (cursor);
  return items;
}

/**
 * A realistic account: its phone hands the new companion its conversations, messages and contacts' names in
 * the history sync, and the account is in real groups. The gateway stores what the history holds, without
 * announcing the past as received messages.
 */
describe('A sandbox channel of a realistic account', () => {
  let db: TestDatabase;
  let simulator: WhatsAppSimulator;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase();
    simulator = new WhatsAppSimulator({ accountHistory: SIZE });
    await simulator.start();
    gw = await TestGateway.start(db.prisma, {}, undefined, { sandboxSimulator: simulator });
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    await simulator?.stop();
    await db?.drop();
  });

  it('lists the chats, contacts, groups and messages of the history sync', async () => {
    const { key, customerId } = await gw.newAccount({ plan: 'unlimited' });
    const { id, phone } = await new ChannelClient(gw, key).paired('realistic', newPhone());
    const channel = new TestChannel({ gw, prisma: db.prisma }, key, customerId, id, phone);
    const base = `/v1/channels/${id}`;

    const messages = await eventually(
      () => all<{ chat_id: string; direction: string; text?: { body: string } }>(gw, key, `${base}/messages`),
      (list) => list.length >= SIZE.messages,
    );
    expect(messages).toHaveLength(SIZE.messages);
    // every third message is the account's own
    expect(messages.filter((m) => m.direction === 'outbound')).toHaveLength(SIZE.messages / 3);

    const chats = await all<{ id: string; unread_count: number }>(gw, key, `${base}/chats`);
    expect(chats).toHaveLength(SIZE.contacts + SIZE.groups);
    expect(chats.filter((c) => c.id.endsWith('@g.us'))).toHaveLength(SIZE.groups);
    // the phone's past is not unread on the companion
    expect(chats.every((c) => c.unread_count === 0)).toBe(true);
    for (const chat of chats) {
      const ofChat = await all<{ chat_id: string }>(gw, key, `${base}/messages`, { chat: chat.id });
      expect(ofChat).toHaveLength(SIZE.messages / (SIZE.contacts + SIZE.groups));
    }

    const contacts = await eventually(
      () => all<{ jid: string; push_name: string | null; lid: string | null }>(gw, key, `${base}/contacts`),
      (list) => list.length >= SIZE.contacts && list.every((c) => c.lid !== null),
    );
    expect(contacts).toHaveLength(SIZE.contacts);
    expect(contacts.map((c) => c.push_name).sort()).toEqual(Array.from({ length: SIZE.contacts }, (_, i) => `Contact ${i + 1}`).sort());

    const groups = await all<{ id: string; subject: string }>(gw, key, `${base}/groups`);
    expect(groups.map((g) => g.subject).sort()).toEqual(['History group 1', 'History group 2', 'History group 3']);
    expect(groups.map((g) => g.id).sort()).toEqual(
      chats
        .filter((c) => c.id.endsWith('@g.us'))
        .map((c) => c.id)
        .sort(),
    );

    // history is stored, not announced
    expect(await channel.events('message.received')).toHaveLength(0);
  }, 120_000);
});
