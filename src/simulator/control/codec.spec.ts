import { GroupRefusal, NewsletterRefusal } from '../index';
import { AccountRefusal } from '../protocol/account-ops';
import { decodeError, decodeValue, encodeError, encodeValue } from './codec';

/** What crosses the control API goes through JSON text, as it does on the wire. */
const roundTrip = (value: unknown) => decodeValue(JSON.parse(JSON.stringify(encodeValue(value))));

describe('the control API codec', () => {
  it('keeps what JSON loses: Buffers, Dates, undefined apart from null, Maps, Sets, non-finite numbers', () => {
    const value = {
      jpeg: Buffer.from([0xff, 0xd8, 0x00, 0x01]),
      at: new Date('2026-01-02T03:04:05.678Z'),
      missing: undefined,
      none: null,
      list: [1, undefined, 'two', Buffer.from('x')],
      map: new Map([['a', new Set([1, 2])]]),
      limit: Infinity,
      nested: { deep: { bytes: new Uint8Array([1, 2, 3]) } },
    };
    const back = roundTrip(value) as typeof value;
    expect(Buffer.isBuffer(back.jpeg)).toBe(true);
    expect(back.jpeg.equals(value.jpeg)).toBe(true);
    expect(back.at).toEqual(value.at);
    expect('missing' in back).toBe(true);
    expect(back.missing).toBeUndefined();
    expect(back.none).toBeNull();
    expect(back.list).toEqual([1, undefined, 'two', Buffer.from('x')]);
    expect(back.map).toEqual(new Map([['a', new Set([1, 2])]]));
    expect(back.limit).toBe(Infinity);
    expect(back.nested.deep.bytes).toEqual(Buffer.from([1, 2, 3]));
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it('never reads data that looks like a tag as a tag', () => {
    expect(roundTrip({ $t: 'buffer', v: 'AAAA' })).toEqual({ $t: 'buffer', v: 'AAAA' });
    expect(() => decodeValue({ $t: 'function' })).toThrow('unknown encoded value kind function');
  });

  it('refuses what cannot cross a process boundary', () => {
    expect(() => encodeValue({ callback: () => 1 })).toThrow('a function cannot cross the control API');
  });

  it('rebuilds the simulator refusals as the same classes, with their WhatsApp code and text', () => {
    const cross = (error: Error) => decodeError(JSON.parse(JSON.stringify(encodeError(error))) as ReturnType<typeof encodeError>);
    const group = cross(new GroupRefusal(401, 'not-authorized'));
    expect(group).toBeInstanceOf(GroupRefusal);
    expect(group).toMatchObject({ code: 401, text: 'not-authorized', message: '401 not-authorized' });
    const newsletter = cross(new NewsletterRefusal(404, 'item-not-found'));
    expect(newsletter).toBeInstanceOf(NewsletterRefusal);
    expect(newsletter).toMatchObject({ code: 404, text: 'item-not-found' });
    expect(cross(new AccountRefusal(403, 'forbidden'))).toBeInstanceOf(AccountRefusal);
    const other = cross(new TypeError('no account for 1555'));
    expect(other).toBeInstanceOf(Error);
    expect([other.name, other.message]).toEqual(['TypeError', 'no account for 1555']);
  });
});
