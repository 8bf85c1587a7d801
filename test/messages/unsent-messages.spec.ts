import { randomUUID } from 'node:crypto';
import { sqlOf } from '../../src/platform/database';
import { MessagesRepository } from '../../src/modules/messages/messages.repository';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The sweeper finds the sends not yet sent in `unsent_messages`, which triggers on messages keep, rather than in an
 * index of messages on status: with status in no index there, each status change of a message is a HOT update
 * (migration 20261129170000_unsent_messages). Whatever writes a message, the table must follow its status.
 */
describe('unsent_messages', () => {
  let db: TestDatabase;
  let repository: MessagesRepository;
  const channelId = randomUUID();
  const otherChannelId = randomUUID();
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    repository = new MessagesRepository(db.prisma, sqlOf(db.prisma));
  });
  afterAll(() => db.drop());

  const sql = () => sqlOf(db.prisma);

  async function message(status: string, { direction = 'outbound', channel = channelId, claimedUntil = null as Date | null } = {}) {
    const id = `msg_unsent_${++n}`;
    await sql().query(
      `INSERT INTO messages (id, customer_id, channel_id, mode, direction, chat_jid, type, content, status, wa_message_id, wa_timestamp, claimed_until)
       VALUES ($1, 'cus_unsent', $2::uuid, 'live', $3, '15550001@s.whatsapp.net', 'text', '{"text":"hi"}', $4, $5, now(), $6)`,
      [id, channel, direction, status, `WA${n}`, claimedUntil],
    );
    return id;
  }

  const setStatus = (id: string, status: string, claimedUntil: Date | null = null) =>
    sql().query(`UPDATE messages SET status = $2, claimed_until = $3 WHERE id = $1`, [id, status, claimedUntil]);

  async function unsent(id: string): Promise<boolean> {
    const rows = await sql().query(`SELECT 1 FROM unsent_messages WHERE message_id = $1`, [id]);
    return rows.length === 1;
  }

  it('holds an outbound message while it is queued or claimed, and not once it was sent or failed', async () => {
    const sent = await message('queued');
    expect(await unsent(sent)).toBe(true);
    await setStatus(sent, 'sending', new Date(Date.now() + 60_000));
    expect(await unsent(sent)).toBe(true);
    await setStatus(sent, 'queued');
    expect(await unsent(sent)).toBe(true);
    await setStatus(sent, 'sent');
    expect(await unsent(sent)).toBe(false);
    await setStatus(sent, 'delivered');
    expect(await unsent(sent)).toBe(false);

    const failed = await message('sending', { claimedUntil: new Date() });
    expect(await unsent(failed)).toBe(true);
    await setStatus(failed, 'failed');
    expect(await unsent(failed)).toBe(false);
    // queued again after it failed (a retry): unsent again
    await setStatus(failed, 'queued');
    expect(await unsent(failed)).toBe(true);
  });

  it('never holds an inbound message, and lets go of a message deleted', async () => {
    const inbound = await message('received', { direction: 'inbound' });
    expect(await unsent(inbound)).toBe(false);
    const deleted = await message('queued');
    await sql().query(`DELETE FROM messages WHERE id = $1`, [deleted]);
    expect(await unsent(deleted)).toBe(false);
  });

  it('gives the sweeper the due sends: queued, or claimed with the claim run out; of the channels asked for', async () => {
    const queued = await message('queued');
    const lapsed = await message('sending', { claimedUntil: new Date(Date.now() - 1_000) });
    const retryLater = await message('queued', { claimedUntil: new Date(Date.now() + 60_000) });
    const claimed = await message('sending', { claimedUntil: new Date(Date.now() + 60_000) });
    const sent = await message('sent');
    const elsewhere = await message('queued', { channel: otherChannelId });

    const due = (await repository.listDue([channelId], 1_000)).map((row) => row.id);
    expect(due).toEqual(expect.arrayContaining([queued, lapsed]));
    expect(due).not.toContain(retryLater);
    expect(due).not.toContain(claimed);
    expect(due).not.toContain(sent);
    expect(due).not.toContain(elsewhere);
    expect(due).toEqual([...due].sort());

    const everywhere = await repository.listDue(undefined, 1_000);
    expect(everywhere).toContainEqual({ id: elsewhere, channelId: otherChannelId });
    expect(everywhere.map((row) => row.id)).toEqual(expect.arrayContaining([queued, lapsed]));
  });

  it('leaves status out of every index of messages, so that a status change is a HOT update', async () => {
    // every column an index of messages reads: its keys, expressions and predicate
    const [{ definitions }] = await sql().query<{ definitions: string[] }>(
      `SELECT array_agg(pg_get_indexdef(i.indexrelid)) AS definitions FROM pg_index i WHERE i.indrelid = 'messages'::regclass`,
    );
    expect(definitions.length).toBeGreaterThan(0);
    for (const definition of definitions) expect(definition).not.toMatch(/\bstatus\b/);
    const [{ options }] = await sql().query<{ options: string[] | null }>(
      `SELECT reloptions AS options FROM pg_class WHERE oid = 'messages'::regclass`,
    );
    expect(options).toContain('fillfactor=90');
  });
});
