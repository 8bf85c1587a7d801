import { waitPreference } from './prefer';

describe('waitPreference', () => {
  it('uses the default when the client states no preference', () => {
    expect(waitPreference(undefined, 0, 10_000)).toEqual({ waitMs: 0, applied: null });
    expect(waitPreference('', 1_500, 10_000)).toEqual({ waitMs: 1_500, applied: null });
  });

  it('honours wait=<seconds> up to the cap and says what it applied', () => {
    expect(waitPreference('wait=2', 0, 10_000)).toEqual({ waitMs: 2_000, applied: 'wait=2' });
    expect(waitPreference('handling=lenient, wait=3', 0, 10_000)).toEqual({ waitMs: 3_000, applied: 'wait=3' });
    expect(waitPreference('Wait = "4"', 0, 10_000)).toEqual({ waitMs: 4_000, applied: 'wait=4' });
    expect(waitPreference('wait=120', 0, 10_000)).toEqual({ waitMs: 10_000, applied: 'wait=10' });
    expect(waitPreference(['wait=1', 'wait=5'], 0, 10_000)).toEqual({ waitMs: 1_000, applied: 'wait=1' });
  });

  it('answers at once for respond-async, whatever else is asked', () => {
    expect(waitPreference('wait=5, respond-async', 1_500, 10_000)).toEqual({ waitMs: 0, applied: 'respond-async' });
  });

  it('ignores what it cannot read, as RFC 7240 says', () => {
    expect(waitPreference('wait=-1', 0, 10_000)).toEqual({ waitMs: 0, applied: null });
    expect(waitPreference('wait=1.5', 250, 10_000)).toEqual({ waitMs: 250, applied: null });
    expect(waitPreference('wait', 0, 10_000)).toEqual({ waitMs: 0, applied: null });
  });
});
