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

  it('lends an endpoint alone the slots nobody uses, less one share kept free for the next endpoint', () => {
    const slots = new EndpointSlots(2, 6);
    for (const key of ['a-1', 'b-1', 'c-1', 'd-1']) expect(slots.take('whe_alone', key)).toEqual({ taken: true });
    // Four of six taken: the last two are the next endpoint's share.
    expect(slots.take('whe_alone', 'e-1').taken).toBe(false);
    expect(slots.busy('whe_alone')).toBe(4);
    expect(slots.take('whe_next', 'f-1')).toEqual({ taken: true });
    expect(slots.take('whe_next', 'g-1')).toEqual({ taken: true });
    expect(slots.take('whe_next', 'h-1').taken).toBe(false);
  });

  it('lends nothing while another endpoint has an attempt running, and again once it has none', () => {
    const slots = new EndpointSlots(2, 8);
    slots.take('whe_other', 'x-1');
    slots.take('whe_busy', 'a-1');
    slots.take('whe_busy', 'b-1');
    expect(slots.take('whe_busy', 'c-1').taken).toBe(false);
    slots.release('whe_other', 10);
    expect(slots.take('whe_busy', 'c-1')).toEqual({ taken: true });
    // Borrowed slots come back as their attempts end; none is lent again while another endpoint is running.
    slots.take('whe_other', 'y-1');
    slots.release('whe_busy', 10);
    expect(slots.take('whe_busy', 'd-1').taken).toBe(false);
    slots.release('whe_busy', 10);
    expect(slots.take('whe_busy', 'd-1')).toEqual({ taken: true });
  });

  it('lends nothing while another endpoint has an attempt put off and not yet back', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const slots = new EndpointSlots(1, 8);
      slots.take('whe_busy', 'a-1');
      slots.take('whe_other', 'x-1');
      const putOff = slots.take('whe_other', 'x-2');
      if (putOff.taken) throw new Error('the slot is taken');
      slots.release('whe_other', 10);
      // Nothing of whe_other runs, but its put-off attempt is due back.
      expect(slots.take('whe_busy', 'b-1').taken).toBe(false);
      // Well past its due time (another process ran it): no longer waiting here.
      jest.setSystemTime(1_000_000 + putOff.waitMs + 1_001);
      expect(slots.take('whe_busy', 'b-1')).toEqual({ taken: true });
    } finally {
      jest.useRealTimers();
    }
  });

  it('lends nothing when the share is every slot', () => {
    const slots = new EndpointSlots(2, 2);
    slots.take('whe_alone', 'a-1');
    slots.take('whe_alone', 'b-1');
    expect(slots.take('whe_alone', 'c-1').taken).toBe(false);
  });
});
