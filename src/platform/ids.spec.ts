import { isIdOf, newId, randomFraction } from './ids';

describe('newId', () => {
  it('mints distinct, well-formed, time-ordered ids', () => {
    const ids = Array.from({ length: 2000 }, () => newId('evt'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => isIdOf('evt', id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws its random characters from fractions in [0, 1) that land evenly on the 32 characters, pool after pool', () => {
    const buckets = new Array<number>(32).fill(0);
    const draws = 32 * 1000; // several 4 KiB pools
    let [lowest, highest] = [1, 0];
    for (let i = 0; i < draws; i++) {
      const fraction = randomFraction();
      [lowest, highest] = [Math.min(lowest, fraction), Math.max(highest, fraction)];
      buckets[Math.floor(fraction * 32)]++;
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThan(1);
    // 1,000 a character on average; a fixed or short-cycled pool would leave most of them far off
    for (const count of buckets) expect(count).toBeGreaterThan(800);
    for (const count of buckets) expect(count).toBeLessThan(1200);
  });
});
