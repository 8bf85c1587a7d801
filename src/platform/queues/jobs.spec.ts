import { JOBS, RETRY_JITTER, withJitter } from './jobs';

describe(withJitter.name, () => {
  it('stays within the jitter of the delay, at both ends of the random range', () => {
    expect(withJitter(10_000, () => 0)).toBe(10_000 * (1 - RETRY_JITTER));
    expect(withJitter(10_000, () => 0.999_999)).toBeLessThanOrEqual(10_000 * (1 + RETRY_JITTER));
    expect(withJitter(10_000, () => 0.5)).toBe(10_000);
  });

  it('spreads retries over the whole range', () => {
    const delays = Array.from({ length: 2_000 }, () => withJitter(1_000));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_200);
    expect(Math.min(...delays)).toBeLessThan(850);
    expect(Math.max(...delays)).toBeGreaterThan(1_150);
  });

  it('never gives a negative delay', () => {
    expect(withJitter(0, () => 0)).toBe(0);
  });
});

describe('JOBS.send.retryDelayMs', () => {
  it('doubles from 1 s per attempt up to 30 s, within the jitter', () => {
    const bounds = (attempt: number) => [JOBS.send.retryDelayMs(attempt, () => 0), JOBS.send.retryDelayMs(attempt, () => 0.999_999)];
    expect(bounds(1)).toEqual([800, 1_200]);
    expect(bounds(2)).toEqual([1_600, 2_400]);
    expect(bounds(4)).toEqual([6_400, 9_600]);
    expect(bounds(10)).toEqual([24_000, 36_000]);
  });
});

describe('JOBS', () => {
  it('builds the ids that deduplicate jobs in Redis, unchanged', () => {
    expect(JOBS.deliver.jobId('whd_1', 3)).toBe('whd_1-3');
    expect(JOBS.deliver.wakeJobId('whd_2', 'whd_1')).toBe('whd_2-1-after-whd_1');
    expect(JOBS.send.jobId('msg_1')).toBe('msg_1');
    expect(JOBS.reconnect.jobId('ch', 2, new Date(5_000))).toBe('reconnect-ch-2-5000');
  });

  it('has one name per job of a queue', () => {
    const names = Object.values(JOBS).map((job) => `${job.queue}/${job.name}`);
    expect(new Set(names).size).toBe(names.length);
  });
});
