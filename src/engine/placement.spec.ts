import { leastLoaded, dealOrphans, WorkerLoad } from './placement';

const worker = (id: string, load: number, capacity = 10): WorkerLoad => ({ id, load, capacity });

describe(leastLoaded.name, () => {
  it('picks the worker holding the fewest channels', () => {
    expect(leastLoaded([worker('a', 3), worker('b', 1), worker('c', 2)])?.id).toBe('b');
  });

  it('skips full workers, even when they hold fewer channels than others', () => {
    expect(leastLoaded([worker('a', 2, 2), worker('b', 5, 10)])?.id).toBe('b');
  });

  it('breaks ties by id, so that every process makes the same choice', () => {
    expect(leastLoaded([worker('b', 1), worker('a', 1)])?.id).toBe('a');
  });

  it('answers null when every worker is full, or when there is none', () => {
    expect(leastLoaded([worker('a', 2, 2), worker('b', 3, 3)])).toBeNull();
    expect(leastLoaded([])).toBeNull();
  });
});

describe(dealOrphans.name, () => {
  const orphans = ['c1', 'c2', 'c3', 'c4'];

  it('deals the orphans of a dead worker evenly over equally loaded survivors, each its own', () => {
    const workers = [worker('a', 0), worker('b', 0)];
    const a = dealOrphans('a', workers, orphans);
    const b = dealOrphans('b', workers, orphans);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    expect([...a, ...b].sort()).toEqual(orphans);
  });

  it('gives the less loaded worker the orphans until the loads are level', () => {
    const workers = [worker('a', 5), worker('b', 1)];
    expect(dealOrphans('b', workers, orphans)).toEqual(orphans);
    expect(dealOrphans('a', workers, orphans)).toEqual([]);
    expect(dealOrphans('a', workers, [...orphans, 'c5', 'c6'])).toHaveLength(1);
  });

  it('stops at capacity: orphans beyond every worker’s room are left', () => {
    const workers = [worker('a', 1, 2), worker('b', 0, 1)];
    expect(dealOrphans('a', workers, orphans)).toHaveLength(1);
    expect(dealOrphans('b', workers, orphans)).toHaveLength(1);
  });

  it('gives a worker missing from the view nothing', () => {
    expect(dealOrphans('z', [worker('a', 0)], orphans)).toEqual([]);
  });
});
