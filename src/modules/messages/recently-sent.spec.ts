import type { MessageRow } from './messages.repository';
import { RecentlySent } from './recently-sent';

const row = (waMessageId: string | null, status: string, channelId = 'ch-1'): MessageRow =>
  ({ id: `msg_${waMessageId}`, channelId, waMessageId, status, direction: 'outbound' }) as MessageRow;

/** A write whose end the test decides. */
function pendingWrite() {
  let end!: (row: MessageRow) => void;
  let fail!: (error: Error) => void;
  const write = new Promise<MessageRow>((resolve, reject) => ((end = resolve), (fail = reject)));
  return { write, end, fail };
}

describe('RecentlySent', () => {
  it('holds a message by channel and WhatsApp id, as last remembered', async () => {
    const sent = new RecentlySent();
    sent.remember(row('A1', 'sending'));
    expect(sent.has('ch-1', 'A1')).toBe(true);
    expect(sent.has('ch-2', 'A1')).toBe(false);
    sent.remember(row('A1', 'sent'));
    expect((await sent.find('ch-1', 'A1'))?.status).toBe('sent');
    expect(await sent.find('ch-1', 'B2')).toBeUndefined();
  });

  it('answers a lookup made while a status is being written with that write’s row, once it ends', async () => {
    const sent = new RecentlySent();
    const claimed = row('A1', 'sending');
    sent.remember(claimed);
    const { write, end } = pendingWrite();
    const writing = sent.writing(claimed, write);
    let found: MessageRow | undefined;
    const lookup = sent.find('ch-1', 'A1').then((each) => (found = each));
    await new Promise((resolve) => setImmediate(resolve));
    expect(found).toBeUndefined();
    end(row('A1', 'sent'));
    await lookup;
    expect(found?.status).toBe('sent');
    expect((await writing).status).toBe('sent');
    expect((await sent.find('ch-1', 'A1'))?.status).toBe('sent');
  });

  it('gives up waiting for a send still under way after two seconds: the lookup falls back to the database', async () => {
    jest.useFakeTimers();
    try {
      const sent = new RecentlySent();
      const claimed = row('A1', 'sending');
      const { write, end } = pendingWrite();
      const writing = sent.writing(claimed, write);
      let settled = false;
      const lookup = sent.find('ch-1', 'A1').then((found) => ((settled = true), found));
      await jest.advanceTimersByTimeAsync(1_900);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(200);
      expect(await lookup).toBeUndefined();
      // the send's row is still taken once it comes
      end(row('A1', 'sent'));
      await writing;
      expect((await sent.find('ch-1', 'A1'))?.status).toBe('sent');
    } finally {
      jest.useRealTimers();
    }
  });

  it('forgets a message whose write failed: a lookup falls back to the database', async () => {
    const sent = new RecentlySent();
    const claimed = row('A1', 'sending');
    const { write, fail } = pendingWrite();
    const writing = sent.writing(claimed, write);
    const lookup = sent.find('ch-1', 'A1');
    fail(new Error('database unavailable'));
    await expect(writing).rejects.toThrow('database unavailable');
    expect(await lookup).toBeUndefined();
    expect(sent.has('ch-1', 'A1')).toBe(false);
  });

  it('keeps a row remembered after a write began over that write’s result', async () => {
    const sent = new RecentlySent();
    const { write, end } = pendingWrite();
    void sent.writing(row('A1', 'sending'), write);
    sent.remember(row('A1', 'delivered'));
    end(row('A1', 'sent'));
    await write;
    expect((await sent.find('ch-1', 'A1'))?.status).toBe('delivered');
  });

  it('lets a message go once it is read or failed: nothing more comes for it', () => {
    const sent = new RecentlySent();
    sent.remember(row('A1', 'delivered'));
    sent.remember(row('A1', 'read'));
    expect(sent.has('ch-1', 'A1')).toBe(false);
    sent.remember(row('B2', 'sending'));
    sent.remember(row('B2', 'failed'));
    expect(sent.has('ch-1', 'B2')).toBe(false);
  });

  it('ignores a message without a WhatsApp id', async () => {
    const sent = new RecentlySent();
    sent.remember(row(null, 'sending'));
    expect(await sent.find('ch-1', 'null')).toBeUndefined();
  });

  it('keeps the 10,000 most recently written, dropping the oldest first', () => {
    const sent = new RecentlySent();
    for (let n = 0; n < 10_000; n++) sent.remember(row(`M${n}`, 'sent'));
    // written again: now the most recent
    sent.remember(row('M0', 'delivered'));
    sent.remember(row('M10000', 'sending'));
    expect(sent.has('ch-1', 'M0')).toBe(true);
    expect(sent.has('ch-1', 'M1')).toBe(false);
    expect(sent.has('ch-1', 'M2')).toBe(true);
    expect(sent.has('ch-1', 'M10000')).toBe(true);
  });
});
