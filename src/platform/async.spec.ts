import { forEachConcurrently, KeyedLanes, settlesWithin, TimeoutError, valueWithin, withTimeout } from './async';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failingAfter = (ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('boom')), ms));

describe(withTimeout.name, () => {
  it('gives the value of work that finishes in time', async () => {
    await expect(withTimeout(after(5, 'done'), 1_000)).resolves.toBe('done');
  });

  it('gives the failure of work that fails in time', async () => {
    await expect(withTimeout(failingAfter(5), 1_000)).rejects.toThrow('boom');
  });

  it('rejects with a TimeoutError naming the work once the time is up', async () => {
    const late = withTimeout(after(1_000, 'late'), 10, 'the probe');
    await expect(late).rejects.toBeInstanceOf(TimeoutError);
    await expect(late).rejects.toThrow('the probe did not finish within 10 ms');
  });
});

describe(settlesWithin.name, () => {
  it('says whether work settled in time, either way, and never rejects', async () => {
    await expect(settlesWithin(after(5, 1), 1_000)).resolves.toBe(true);
    await expect(settlesWithin(failingAfter(5), 1_000)).resolves.toBe(true);
    const late = failingAfter(50);
    await expect(settlesWithin(late, 5)).resolves.toBe(false);
    await late.catch(() => undefined);
  });

  it('takes nothing to wait for as settled', async () => {
    await expect(settlesWithin(undefined, 5)).resolves.toBe(true);
  });
});

describe(valueWithin.name, () => {
  it('gives the value, or undefined when the work fails or is late', async () => {
    await expect(valueWithin(after(5, 'v'), 1_000)).resolves.toBe('v');
    await expect(valueWithin(failingAfter(5), 1_000)).resolves.toBeUndefined();
    await expect(valueWithin(after(1_000, 'late'), 5)).resolves.toBeUndefined();
  });
});

describe(KeyedLanes.name, () => {
  it('runs the work of one key one at a time, in order, and keys side by side', async () => {
    const lanes = new KeyedLanes();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await after(ms, undefined);
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([lanes.run('a', task('a1', 30)), lanes.run('a', task('a2', 1)), lanes.run('b', task('b1', 1))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('goes on after a failure, which only its caller sees', async () => {
    const lanes = new KeyedLanes();
    const failed = lanes.run('a', () => failingAfter(1));
    const next = lanes.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('says when a key is drained, and forgets keys with nothing left to run', async () => {
    const lanes = new KeyedLanes();
    let done = false;
    void lanes.run('a', async () => {
      await after(10, undefined);
      done = true;
    });
    expect(lanes.size).toBe(1);
    await lanes.drained('a');
    expect(done).toBe(true);
    await after(0, undefined);
    expect(lanes.size).toBe(0);
  });
});

describe('forEachConcurrently', () => {
  it('runs every item, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5 * (item % 3)));
      done.push(item);
      running--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('does nothing for no items', async () => {
    await forEachConcurrently([], 4, () => Promise.reject(new Error('not called')));
  });
});
