import { BUFFER_CHECK_MS, STUCK_AFTER_CHECKS, watchEventBuffer } from './event-buffer-watchdog';

/** A stand-in for Baileys' event buffer: on until flushed. */
function buffer(on: boolean) {
  const state = { on, flushes: 0 };
  return {
    state,
    events: {
      isBuffering: () => state.on,
      flush: () => {
        if (!state.on) return false;
        state.on = false;
        state.flushes++;
        return true;
      },
    },
  };
}

describe('watchEventBuffer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('flushes a buffer left on for the given number of checks in a row, and tells so', () => {
    const { state, events } = buffer(true);
    const flushed = jest.fn();
    const stop = watchEventBuffer(events, flushed);
    jest.advanceTimersByTime(BUFFER_CHECK_MS * (STUCK_AFTER_CHECKS - 1));
    expect(state.flushes).toBe(0);
    jest.advanceTimersByTime(BUFFER_CHECK_MS);
    expect(state.flushes).toBe(1);
    expect(flushed).toHaveBeenCalledTimes(1);
    stop();
  });

  it('leaves alone a buffer that goes off between checks', () => {
    const { state, events } = buffer(true);
    const stop = watchEventBuffer(events);
    for (let i = 0; i < STUCK_AFTER_CHECKS * 4; i++) {
      jest.advanceTimersByTime(BUFFER_CHECK_MS);
      // on at every other check only: never stuck
      state.on = i % 2 === 1;
    }
    expect(state.flushes).toBe(0);
    stop();
  });

  it('stops looking once stopped', () => {
    const { state, events } = buffer(true);
    watchEventBuffer(events)();
    jest.advanceTimersByTime(BUFFER_CHECK_MS * STUCK_AFTER_CHECKS * 2);
    expect(state.flushes).toBe(0);
  });
});
