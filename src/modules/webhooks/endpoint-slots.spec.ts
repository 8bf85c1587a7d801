import { EndpointSlots } from './endpoint-slots';

describe(EndpointSlots.name, () => {
  it("takes up to the endpoint's share, then puts attempts off, without touching other endpoints", () => {
    const slots = new EndpointSlots(2);
    expect(slots.take('whe_slow', 'a-1')).toEqual({ taken: true });
    expect(slots.take('whe_slow', 'b-1')).toEqual({ taken: true });
    expect(slots.take('whe_slow', 'c-1').taken).toBe(false);
    expect(slots.take('whe_ok', 'd-1')).toEqual({ taken: true });
    expect(slots.busy('whe_slow')).toBe(2);
    expect(slots.busy('whe_ok')).toBe(1);
  });

  it('puts an attempt off for about as long as the attempts ahead of it should take', () => {
    const slots = new EndpointSlots(1);
    slots.take('whe_slow', 'a-1');
    slots.release('whe_slow', 5_000);
    slots.take('whe_slow', 'b-1');
    const first = slots.take('whe_slow', 'c-1');
    const second = slots.take('whe_slow', 'd-1');
    if (first.taken || second.taken) throw new Error('the slot is taken');
    // One attempt ahead of c (5 s, ±jitter), two ahead of d.
    expect(first.waitMs).toBeGreaterThanOrEqual(4_000);
    expect(first.waitMs).toBeLessThanOrEqual(6_000);
    expect(second.waitMs).toBeGreaterThanOrEqual(8_000);
    // A put-off attempt coming back is no longer counted as waiting.
    slots.release('whe_slow', 5_000);
    expect(slots.take('whe_slow', 'c-1')).toEqual({ taken: true });
  });

  it('gives a released slot to the next attempt', () => {
    const slots = new EndpointSlots(1);
    slots.take('whe_a', 'a-1');
    expect(slots.take('whe_a', 'b-1').taken).toBe(false);
    slots.release('whe_a', 10);
    expect(slots.take('whe_a', 'b-1')).toEqual({ taken: true });
    expect(slots.busy('whe_a')).toBe(1);
  });
});
