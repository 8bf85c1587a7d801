import { newMessageId } from './message-ids';

describe('newMessageId', () => {
  it("has WhatsApp Web's shape: 3EB0 and 18 upper-case hex digits", () => {
    for (let n = 0; n < 2_000; n++) expect(newMessageId()).toMatch(/^3EB0[0-9A-F]{18}$/);
  });

  it('does not repeat across refills of its pool', () => {
    const ids = new Set(Array.from({ length: 5_000 }, () => newMessageId()));
    expect(ids.size).toBe(5_000);
  });
});
