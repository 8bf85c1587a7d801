import { reconnectDelayMs } from './reconnect-backoff';

describe(reconnectDelayMs.name, () => {
  it('doubles per attempt within [half, full] of the exponential step', () => {
    expect(reconnectDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(reconnectDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(reconnectDelayMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(reconnectDelayMs(3, 1000, 60_000, () => 1)).toBe(4000);
  });

  it('never exceeds the cap', () => {
    for (let attempt = 1; attempt < 40; attempt++) expect(reconnectDelayMs(attempt, 1000, 60_000)).toBeLessThanOrEqual(60_000);
  });
});
