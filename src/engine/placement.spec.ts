import { confirmedOrphans, dealOrphans, lastLapseOfTheGone, leastLoaded, WorkerLoad } from './placement';

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

describe(confirmedOrphans.name, () => {
  const live = new Set(['a', 'b']);

  it('waits for a second sighting of a channel whose worker is still live: a reconnect or a placement may be under way', () => {
    expect(confirmedOrphans([{ id: 'c1', workerId: 'a' }], new Set(), live)).toEqual([]);
    expect(confirmedOrphans([{ id: 'c1', workerId: 'a' }], new Set(['c1']), live)).toEqual(['c1']);
  });

  it('takes at the first sighting a channel whose worker the registry no longer lists as live', () => {
    const orphans = [
      { id: 'c1', workerId: 'dead' },
      { id: 'c2', workerId: 'b' },
      { id: 'c3', workerId: 'dead' },
    ];
    expect(confirmedOrphans(orphans, new Set(), live)).toEqual(['c1', 'c3']);
  });

  it('waits for a second sighting of a channel that names no worker', () => {
    expect(confirmedOrphans([{ id: 'c1', workerId: null }], new Set(), live)).toEqual([]);
    expect(confirmedOrphans([{ id: 'c1', workerId: null }], new Set(['c1']), live)).toEqual(['c1']);
  });

  it('drops a suspect that now has a lease: only the channels seen without one now are orphans', () => {
    expect(confirmedOrphans([{ id: 'c2', workerId: 'a' }], new Set(['c1']), live)).toEqual([]);
  });
});

describe(lastLapseOfTheGone.name, () => {
  const live = new Set(['a']);

  it('answers when the last lease held by a worker that is no longer live lapses', () => {
    const leases = [
      { workerId: 'dead', remainingMs: 4_000 },
      { workerId: 'dead', remainingMs: 4_200 },
      { workerId: 'other-dead', remainingMs: 1_000 },
    ];
    expect(lastLapseOfTheGone(leases, live)).toBe(4_200);
  });

  it('leaves out the leases of live workers and the channels nobody holds', () => {
    expect(lastLapseOfTheGone([{ workerId: 'a', remainingMs: 14_000 }, null, { workerId: 'dead', remainingMs: 0 }], live)).toBe(0);
  });

  it('answers null when no worker that is gone holds a lease', () => {
    expect(lastLapseOfTheGone([{ workerId: 'a', remainingMs: 14_000 }, null], live)).toBeNull();
    expect(lastLapseOfTheGone([], live)).toBeNull();
  });
});
