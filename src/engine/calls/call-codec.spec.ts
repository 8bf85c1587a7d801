import { AppError } from '../../platform/errors/app-error';
import { decodeError, decodeValue, encodeError, encodeValue } from './call-codec';

/** What crosses between workers must come back as it left: through JSON, as Redis carries it. */
const roundTrip = (value: unknown) => decodeValue(JSON.parse(JSON.stringify(encodeValue(value))));

describe('the worker call codec', () => {
  it('keeps Buffers, byte arrays and Dates as themselves, nested anywhere', () => {
    const image = Buffer.from([0, 1, 2, 250, 255]);
    const back = roundTrip({
      image,
      at: new Date('2026-11-26T10:00:00.123Z'),
      list: [new Uint8Array([7, 8])],
      nested: { when: [new Date(0)] },
    }) as {
      image: Buffer;
      at: Date;
      list: Uint8Array[];
      nested: { when: Date[] };
    };
    expect(Buffer.isBuffer(back.image)).toBe(true);
    expect(back.image.equals(image)).toBe(true);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.toISOString()).toBe('2026-11-26T10:00:00.123Z');
    expect(back.list[0]).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(back.list[0])).toBe(false);
    expect(Array.from(back.list[0])).toEqual([7, 8]);
    expect(back.nested.when[0].getTime()).toBe(0);
  });

  it('keeps undefined: a present-but-undefined property stays present, an argument keeps its place', () => {
    const back = roundTrip([{ muteUntil: undefined }, undefined, 'x']) as [Record<string, unknown>, unknown, string];
    expect('muteUntil' in back[0]).toBe(true);
    expect(back[0].muteUntil).toBeUndefined();
    expect(back).toHaveLength(3);
    expect(back[1]).toBeUndefined();
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it('keeps plain JSON as it is, and objects that look like its own tags', () => {
    const plain = { a: 1, b: 'two', c: [true, null, { d: -0.5 }], e: {} };
    expect(roundTrip(plain)).toEqual(plain);
    const lookalike = { $: 'date', v: 'not a date' };
    expect(roundTrip(lookalike)).toEqual(lookalike);
  });

  it('keeps numbers JSON cannot write, bigints and an invalid Date', () => {
    expect(roundTrip([Number.NaN, Infinity, -Infinity, 12n])).toEqual([Number.NaN, Infinity, -Infinity, 12n]);
    expect(Number.isNaN((roundTrip(new Date('nope')) as Date).getTime())).toBe(true);
  });

  it('refuses what has no meaning in another process', () => {
    expect(() => encodeValue({ fn: () => 1 })).toThrow('a function cannot be sent to another worker');
  });

  it('refuses a tag it does not know', () => {
    expect(() => decodeValue({ $: 'regexp', v: 'x' })).toThrow('unknown tag "regexp"');
  });

  it('carries an AppError as the same code, status, message and details', () => {
    const error = new AppError('not_found', 'WhatsApp knows no such group.', {
      status: 404,
      details: { reason: 'group_not_found', at: new Date(5) },
    });
    const back = decodeError(JSON.parse(JSON.stringify(encodeError(error, 'groups.get', 'w1'))));
    expect(back).toBeInstanceOf(AppError);
    expect(back).toMatchObject({ code: 'not_found', status: 404, message: 'WhatsApp knows no such group.' });
    expect(back.details).toEqual({ reason: 'group_not_found', at: new Date(5) });
  });

  it('turns any other failure into an internal error that names the operation, not its text', () => {
    const back = decodeError(encodeError(new TypeError('secret internals'), 'profile.fetchOwn', 'w1'));
    expect(back).toMatchObject({ code: 'internal_error', status: 500, details: { operation: 'profile.fetchOwn', worker_id: 'w1' } });
    expect(back.message).toContain('profile.fetchOwn');
    expect(back.message).not.toContain('secret internals');
  });
});
