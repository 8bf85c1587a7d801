import type { Worker } from 'bullmq';
import { RunsBesideWorker } from './runs-beside-worker';

/** The state of a worker that RunsBesideWorker reads and sets, as a plain object. */
function workerState() {
  const state = { running: true, paused: false, closing: undefined as Promise<void> | undefined, concurrency: 3 };
  const worker = {
    get closing() {
      return state.closing;
    },
    isRunning: () => state.running,
    isPaused: () => state.paused,
    get concurrency() {
      return state.concurrency;
    },
    set concurrency(value: number) {
      state.concurrency = value;
    },
  } as unknown as Worker;
  return { state, worker };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const ignore = () => undefined;

/** Keyed runs that record when they start and end when told: `finish(name)`, after which the loop turns once. */
function keyedRuns(runs: RunsBesideWorker) {
  const started: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const finish = async (...names: string[]) => {
    for (const name of names) gates.get(name)!.resolve();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const start = (name: string, key: string) => {
    gates.set(name, deferred());
    runs.start(
      () => {
        started.push(name);
        return gates.get(name)!.promise;
      },
      ignore,
      key,
    );
  };
  return { started, start, finish, finishAll: () => finish(...gates.keys()) };
}

describe('RunsBesideWorker', () => {
  it('starts runs only while the worker would take a job itself', () => {
    const { state, worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3);
    expect(runs.hasRoom()).toBe(true);
    state.paused = true;
    expect(runs.hasRoom()).toBe(false);
    state.paused = false;
    state.running = false;
    expect(runs.hasRoom()).toBe(false);
    state.running = true;
    state.closing = Promise.resolve();
    expect(runs.hasRoom()).toBe(false);
  });

  it('starts none once the worker took a job, until it finds the queue empty', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3);
    await runs.job(() => Promise.resolve());
    expect(runs.hasRoom()).toBe(false);
    runs.drained();
    expect(runs.hasRoom()).toBe(true);
  });

  it('shares the slots between runs and jobs, and leaves the worker only the slots runs do not hold', async () => {
    const { state, worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3);
    const first = deferred();
    const second = deferred();
    runs.start(() => first.promise, ignore);
    runs.start(() => second.promise, ignore);
    expect(state.concurrency).toBe(1);
    expect(runs.hasRoom()).toBe(true);
    const job = deferred();
    const jobDone = runs.job(() => job.promise);
    runs.drained();
    // two runs and a job: the three slots are taken
    expect(runs.hasRoom()).toBe(false);
    expect(runs.overCapacity()).toBe(false);
    const extra = runs.job(() => Promise.resolve('ran'));
    expect(runs.overCapacity()).toBe(true);
    await extra;
    first.resolve();
    second.resolve();
    job.resolve();
    await jobDone;
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.concurrency).toBe(3);
    runs.drained();
    expect(runs.hasRoom()).toBe(true);
  });

  it('hands a run that fails to its callback, and gives its slot back', async () => {
    const { state, worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 1);
    const failed: unknown[] = [];
    runs.start(
      () => Promise.reject(new Error('boom')),
      (error) => failed.push(error),
    );
    expect(runs.hasRoom()).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(failed).toEqual([new Error('boom')]);
    expect(runs.hasRoom()).toBe(true);
    expect(state.concurrency).toBe(1);
  });

  it('lets runs wait for a slot, up to `waiting`, and starts them first come first as slots free', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 1, { waiting: 2 });
    const order: string[] = [];
    const gates = { a: deferred(), b: deferred(), c: deferred() };
    for (const name of ['a', 'b', 'c'] as const) {
      expect(runs.hasRoom()).toBe(true);
      runs.start(() => {
        order.push(name);
        return gates[name].promise;
      }, ignore);
    }
    expect(order).toEqual(['a']);
    expect(runs.waitingCount).toBe(2);
    expect(runs.hasRoom()).toBe(false);
    gates.a.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a', 'b']);
    expect(runs.hasRoom()).toBe(true);
    gates.b.resolve();
    gates.c.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a', 'b', 'c']);
    expect(runs.waitingCount).toBe(0);
  });

  it("gives a finished job's slot to the runs waiting, and the worker only the slots they leave", async () => {
    const { state, worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 2, { waiting: 5 });
    const job = deferred();
    const jobDone = runs.job(() => job.promise);
    runs.drained();
    const first = deferred();
    let second = false;
    runs.start(() => first.promise, ignore);
    runs.start(async () => {
      second = true;
    }, ignore);
    expect(second).toBe(false);
    expect(state.concurrency).toBe(1);
    job.resolve();
    await jobDone;
    expect(second).toBe(true);
    first.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.concurrency).toBe(2);
  });

  it('lets a job taken while runs wait go behind them, and fails it if it stops first', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 1, { waiting: 5 });
    const order: string[] = [];
    const first = deferred();
    runs.start(() => first.promise.then(() => order.push('first')), ignore);
    runs.start(async () => order.push('waiting run'), ignore);
    const job = runs.job(async () => order.push('job'));
    expect(runs.waitingCount).toBe(2);
    first.resolve();
    await job;
    expect(order).toEqual(['first', 'waiting run', 'job']);

    const blocking = deferred();
    runs.start(() => blocking.promise, ignore);
    runs.drained();
    runs.start(async () => undefined, ignore);
    const late = runs.job(async () => 'ran');
    const stopped = runs.stop(5_000);
    await expect(late).rejects.toThrow('left to the sweeper');
    blocking.resolve();
    await stopped;
  });

  it('lets one key hold at most `perKey` slots, its other work waiting in its order while other keys take the free slots', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3, { waiting: 10, perKey: 2 });
    const work = keyedRuns(runs);
    for (const [name, key] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['a3', 'a'],
      ['a4', 'a'],
      ['b1', 'b'],
    ]) {
      expect(runs.hasRoom(key)).toBe(true);
      work.start(name, key);
    }
    // a holds its two slots; b takes the third although a's work came first
    expect(work.started).toEqual(['a1', 'a2', 'b1']);
    expect(runs.waitingCount).toBe(2);
    await work.finish('b1');
    // b's slot is free, but a already holds its share
    expect(work.started).toEqual(['a1', 'a2', 'b1']);
    await work.finish('a2');
    expect(work.started).toEqual(['a1', 'a2', 'b1', 'a3']);
    await work.finishAll();
    expect(work.started).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
    expect(runs.waitingCount).toBe(0);
  });

  it('hands a free slot to the key whose waiting work came first, among the keys with room', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 2, { waiting: 10, perKey: 2 });
    const work = keyedRuns(runs);
    for (const [name, key] of [
      ['a1', 'a'],
      ['x1', 'x'],
      ['a2', 'a'],
      ['c1', 'c'],
      ['a3', 'a'],
    ]) {
      work.start(name, key);
    }
    expect(work.started).toEqual(['a1', 'x1']);
    await work.finish('a1');
    expect(work.started).toEqual(['a1', 'x1', 'a2']);
    // a has room for a3, but c1 came before it
    await work.finish('x1');
    expect(work.started).toEqual(['a1', 'x1', 'a2', 'c1']);
    await work.finish('a2');
    expect(work.started).toEqual(['a1', 'x1', 'a2', 'c1', 'a3']);
  });

  it("lets a job of a key at its share wait behind that key's work, and a job of another key run at once", async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 4, { waiting: 10, perKey: 1 });
    const order: string[] = [];
    const first = deferred();
    runs.start(() => first.promise.then(() => order.push('a run')), ignore, 'a');
    const jobOfA = runs.job(async () => order.push('a job'), 'a');
    await runs.job(async () => order.push('b job'), 'b');
    expect(order).toEqual(['b job']);
    expect(runs.waitingCount).toBe(1);
    first.resolve();
    await jobOfA;
    expect(order).toEqual(['b job', 'a run', 'a job']);
  });

  it('drops the runs waiting when it stops', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 1, { waiting: 5 });
    const run = deferred();
    let dropped = false;
    runs.start(() => run.promise, ignore);
    runs.start(async () => {
      dropped = true;
    }, ignore);
    const stopped = runs.stop(5_000);
    expect(runs.waitingCount).toBe(0);
    run.resolve();
    await stopped;
    expect(dropped).toBe(false);
  });

  it('waits for the runs under way when it stops, and starts none after', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3);
    const run = deferred();
    let finished = false;
    runs.start(() => run.promise.then(() => (finished = true)), ignore);
    const stopped = runs.stop(5_000);
    expect(runs.stopped).toBe(true);
    expect(runs.hasRoom()).toBe(false);
    run.resolve();
    await stopped;
    expect(finished).toBe(true);
  });
});
