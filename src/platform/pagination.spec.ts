import { decodeCursor, scopedListArgs, toPage } from './pagination';

describe(toPage.name, () => {
  const rows = [{ id: 'c' }, { id: 'b' }, { id: 'a' }];

  it('pages rows fetched with one extra, the cursor naming the last row shown', () => {
    const page = toPage(rows, 2, (row) => row.id.toUpperCase());
    expect(page).toMatchObject({ data: ['C', 'B'], has_more: true });
    expect(decodeCursor(page.next_cursor!, () => true)).toBe('b');
  });

  it('has no cursor on the last page', () => {
    expect(toPage(rows, 3, (row) => row.id)).toEqual({ data: ['c', 'b', 'a'], has_more: false, next_cursor: null });
  });

  it('takes the cursor from another key when told', () => {
    const chats = [{ jid: '2@s.whatsapp.net' }, { jid: '1@s.whatsapp.net' }];
    const page = toPage(
      chats,
      1,
      (row) => row,
      (row) => row.jid,
    );
    expect(decodeCursor(page.next_cursor!, () => true)).toBe('2@s.whatsapp.net');
  });
});

describe(scopedListArgs.name, () => {
  it("reads a key's customer, mode and channel, and the page asked for", () => {
    expect(scopedListArgs({ customerId: 'cus_1', mode: 'test', channelId: null }, { limit: 20 }, () => true)).toEqual({
      customerId: 'cus_1',
      mode: 'test',
      channelId: undefined,
      before: undefined,
      take: 21,
    });
  });
});
