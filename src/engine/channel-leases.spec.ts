import { parseLease } from './channel-leases';

describe(parseLease.name, () => {
  it('reads the worker and the fencing token of a lease value', () => {
    expect(parseLease('host-1234-abcdef|42')).toEqual({ workerId: 'host-1234-abcdef', token: 42 });
  });

  it('splits on the last bar, so that a worker id holding one is still read whole', () => {
    expect(parseLease('odd|host|7')).toEqual({ workerId: 'odd|host', token: 7 });
  });

  it('reads no owner from an absent or malformed value', () => {
    expect(parseLease(null)).toBeNull();
    expect(parseLease('no-token')).toBeNull();
    expect(parseLease('|3')).toBeNull();
    expect(parseLease('worker|x')).toBeNull();
  });
});
