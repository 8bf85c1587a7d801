import { BusinessState } from './business';

describe('BusinessState', () => {
  it('admits catalog requests up to the rate within a rolling second, then refuses until the window moves', () => {
    const state = new BusinessState();
    state.ratePerSecond = 3;
    expect([0, 100, 200, 300].map((t) => state.admit(10_000 + t))).toEqual([true, true, true, false]);
    expect(state.admit(11_000)).toBe(true);
    expect(state.admit(11_050)).toBe(false);
    expect(state.admit(11_201)).toBe(true);
  });

  it('assigns increasing numeric product ids', () => {
    const state = new BusinessState();
    const [a, b] = [state.newProductId(), state.newProductId()];
    expect(a).toMatch(/^\d{15,}$/);
    expect(BigInt(b) - BigInt(a)).toBe(1n);
  });
});
