import { causeKey, EventCauses } from './event-causes';

describe(EventCauses.name, () => {
  afterEach(() => jest.useRealTimers());

  it('gives a cause once to the effect that takes it', () => {
    const causes = new EventCauses();
    causes.expect(causeKey.inbound('ch', 'WA1'), 'req_1');
    expect(causes.take(causeKey.inbound('ch', 'WA2'))).toBeNull();
    expect(causes.take(causeKey.inbound('ch', 'WA1'))).toBe('req_1');
    expect(causes.take(causeKey.inbound('ch', 'WA1'))).toBeNull();
  });

  it('leaves a peeked cause for the effects that follow, and a later request replaces it', () => {
    const causes = new EventCauses();
    causes.expect(causeKey.channel('ch'), 'req_connect');
    expect(causes.peek(causeKey.channel('ch'))).toBe('req_connect');
    expect(causes.peek(causeKey.channel('ch'))).toBe('req_connect');
    causes.expect(causeKey.channel('ch'), 'req_scan');
    expect(causes.take(causeKey.channel('ch'))).toBe('req_scan');
  });

  it('forgets a cause nothing claimed in time', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const causes = new EventCauses();
    causes.expect(causeKey.receipt('ch', 'WA1', 'read'), 'req_1', 1_000);
    jest.setSystemTime(1_000_999);
    expect(causes.peek(causeKey.receipt('ch', 'WA1', 'read'))).toBe('req_1');
    jest.setSystemTime(1_001_000);
    expect(causes.take(causeKey.receipt('ch', 'WA1', 'read'))).toBeNull();
  });
});
