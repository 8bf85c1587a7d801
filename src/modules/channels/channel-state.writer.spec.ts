import { isFencedOut } from './channel-state.writer';

describe(isFencedOut.name, () => {
  it('refuses a write under an older lease token than the one the channel was last written under', () => {
    expect(isFencedOut({ leaseToken: 5n }, 4)).toBe(true);
  });

  it('lets the current holder and a newer one write', () => {
    expect(isFencedOut({ leaseToken: 5n }, 5)).toBe(false);
    expect(isFencedOut({ leaseToken: 5n }, 6)).toBe(false);
  });

  it('does not fence a channel never written under a lease, nor a write that carries none', () => {
    expect(isFencedOut({ leaseToken: null }, 1)).toBe(false);
    expect(isFencedOut({ leaseToken: 5n }, null)).toBe(false);
  });
});
